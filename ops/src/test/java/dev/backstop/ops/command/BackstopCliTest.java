package dev.backstop.ops.command;

import dev.backstop.ops.BackstopCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackstopCliTest
{
    @Test
    void shouldShowHelpAndSucceed()
    {
        assertEquals(0, BackstopCli.execute("--help"));
        assertEquals(0, BackstopCli.execute("demo", "--help"));
        assertEquals(0, BackstopCli.execute("node", "--help"));
        assertEquals(0, BackstopCli.execute("gateway", "--help"));
        assertEquals(0, BackstopCli.execute("trader", "--help"));
        assertEquals(0, BackstopCli.execute("cluster", "start", "--help"));
        assertEquals(0, BackstopCli.execute("cluster", "status", "--help"));
        assertEquals(0, BackstopCli.execute("cluster", "stop", "--help"));
        for (final String verb : new String[]{
            "snapshot", "suspend", "resume", "leader", "describe", "errors", "recordings" })
        {
            assertEquals(0, BackstopCli.execute(verb, "--help"), verb);
        }
    }

    @Test
    void shouldFailWithoutSubcommandOrRequiredConfig()
    {
        assertEquals(2, BackstopCli.execute());
        assertEquals(2, BackstopCli.execute("no-such-command"));
        assertEquals(2, BackstopCli.execute("demo", "--scenario", "no-such-scenario"));
        assertEquals(2, BackstopCli.execute("demo", "--scenario", "crash", "--accounts", "7"));
        assertEquals(2, BackstopCli.execute("node"));
        assertEquals(2, BackstopCli.execute("node", "--config", "/no/such/node.properties"));
        assertEquals(2, BackstopCli.execute("gateway", "--config", "/no/such/gateway.properties"));
        assertEquals(2, BackstopCli.execute("trader", "--gateway-config", "/no/such/gateway.properties"));
    }

    @Test
    void shouldReportNoClusterInAnEmptyRunDirectory(@TempDir final Path runDir)
    {
        final String dir = runDir.toString();
        assertEquals(2, BackstopCli.execute("cluster"));
        assertEquals(1, BackstopCli.execute("cluster", "status", "--run-dir", dir));
        assertEquals(1, BackstopCli.execute("cluster", "stop", "--run-dir", dir));
        assertEquals(2, BackstopCli.execute("demo", "--attach", "--run-dir", dir));
        assertEquals(2, BackstopCli.execute("demo", "--attach", "--scenario", "crash", "--run-dir", dir));
        assertEquals(2, BackstopCli.execute("demo", "--attach", "--scenario", "default", "--run-dir", dir));
        for (final String verb : new String[]{
            "snapshot", "suspend", "resume", "leader", "describe", "errors", "recordings" })
        {
            assertEquals(2, BackstopCli.execute(verb, "--run-dir", dir), verb);
        }
    }
}
