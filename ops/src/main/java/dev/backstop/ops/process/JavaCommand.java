package dev.backstop.ops.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the command line of a child JVM running a {@code backstop} subcommand: the same java, the JVM flags Aeron
 * needs, a modest heap, the serial collector (fewer GC threads on a small box), system-property overrides and the
 * class path of this JVM (the shaded jar when run from {@code ops/bin/backstop}, the test class path in tests).
 */
public final class JavaCommand
{
    /**
     * Flags every JVM touching Agrona buffers needs (AERON-NOTES "Versions").
     */
    public static final List<String> AERON_JVM_FLAGS = List.of(
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.zip=ALL-UNNAMED");

    /**
     * Main class of the children.
     */
    public static final String MAIN_CLASS = "dev.backstop.ops.BackstopCli";

    private JavaCommand()
    {
    }

    /**
     * The java executable: {@code -Dbackstop.java} when the launcher script set it, else this JVM's own.
     *
     * @return path of the java executable.
     */
    public static String javaExecutable()
    {
        final String configured = System.getProperty("backstop.java");
        if (null != configured && !configured.isBlank())
        {
            return configured;
        }
        final Path own = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(own) ? own.toString() : "java";
    }

    /**
     * @return the class path of this JVM with every entry made absolute, for children to run the same code from
     * whatever working directory they are given.
     */
    public static String classPath()
    {
        final StringBuilder classPath = new StringBuilder();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (entry.isEmpty())
            {
                continue;
            }
            if (classPath.length() > 0)
            {
                classPath.append(File.pathSeparatorChar);
            }
            classPath.append(Path.of(entry).toAbsolutePath().normalize());
        }
        return classPath.toString();
    }

    /**
     * The full command line of a child JVM.
     *
     * @param heap             value for -Xmx, e.g. {@code 256m}.
     * @param extraJvmOptions  further JVM options, may be empty.
     * @param systemProperties -D overrides, in the order given.
     * @param classPath        class path of the child.
     * @param args             arguments to {@link #MAIN_CLASS}.
     * @return the command.
     */
    public static List<String> command(
        final String heap,
        final List<String> extraJvmOptions,
        final Map<String, String> systemProperties,
        final String classPath,
        final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(AERON_JVM_FLAGS);
        command.add("-Xmx" + heap);
        command.add("-XX:+UseSerialGC");
        command.addAll(extraJvmOptions);
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(classPath);
        command.add(MAIN_CLASS);
        command.addAll(args);
        return command;
    }
}
