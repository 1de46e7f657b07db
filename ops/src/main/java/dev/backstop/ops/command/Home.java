package dev.backstop.ops.command;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository root the operator commands resolve default paths against.
 */
final class Home
{
    private Home()
    {
    }

    /**
     * @return {@code -Dbackstop.home} (set by ops/bin/backstop), else the working directory or the nearest parent
     * holding ops/config.
     */
    static Path path()
    {
        final String configured = System.getProperty("backstop.home");
        if (null != configured && !configured.isBlank())
        {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir)
        {
            if (Files.isDirectory(dir.resolve("ops").resolve("config")))
            {
                return dir;
            }
            dir = dir.getParent();
        }
        return Path.of("").toAbsolutePath();
    }
}
