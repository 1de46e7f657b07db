package dev.backstop.ops.command;

import dev.backstop.ops.BackstopCli;
import org.junit.jupiter.api.Test;

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
    }
}
