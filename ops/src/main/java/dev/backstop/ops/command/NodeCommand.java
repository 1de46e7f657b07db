package dev.backstop.ops.command;

import dev.backstop.clearing.node.ClearingNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code backstop node --config F}: runs one clearing node (media driver, archive, consensus module and the
 * clearing service) in this JVM until it is told to stop. System properties ({@code -Dbackstop.node.*}) override
 * the file, which is how {@code backstop demo} points each node at its own run directory.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Run one clearing node of the three-node cluster until SIGTERM.")
public final class NodeCommand implements Callable<Integer>
{
    @Option(names = "--config", required = true, paramLabel = "FILE",
        description = "Node properties, e.g. ops/config/node-0.properties.")
    File config;

    @Option(names = "--exit-with-parent", hidden = true, paramLabel = "PID",
        description = "Exit when the process with this pid ends (used by launchers so no node outlives them).")
    long parentPid;

    public Integer call() throws Exception
    {
        if (!config.isFile())
        {
            System.err.println("backstop node: no such config file: " + config);
            return 2;
        }
        ParentWatch.exitWhenGone(parentPid);
        ClearingNode.main(new String[]{ "--config", config.getPath() });
        return 0;
    }
}
