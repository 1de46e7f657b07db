package dev.backstop.ops.command;

import dev.backstop.gateway.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code backstop gateway --config F}: runs one gateway (exchange sessions, the cluster client with failover, the
 * event stream) in this JVM until it is told to stop. System properties override the file.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run one gateway between exchanges/members and the cluster until SIGTERM.")
public final class GatewayCommand implements Callable<Integer>
{
    @Option(names = "--config", required = true, paramLabel = "FILE",
        description = "Gateway properties, e.g. ops/config/gateway.properties.")
    File config;

    @Option(names = "--exit-with-parent", hidden = true, paramLabel = "PID",
        description = "Exit when the process with this pid ends (used by launchers so no gateway outlives them).")
    long parentPid;

    public Integer call() throws Exception
    {
        if (!config.isFile())
        {
            System.err.println("backstop gateway: no such config file: " + config);
            return 2;
        }
        ParentWatch.exitWhenGone(parentPid);
        Gateway.main(new String[]{ "--config", config.getPath() });
        return 0;
    }
}
