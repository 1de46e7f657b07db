package dev.backstop.ops.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EndToEndBenchTest
{
    @Test
    void takesTheMedianOfTheRounds()
    {
        assertEquals(0, EndToEndBench.median(List.of()));
        assertEquals(7.0, EndToEndBench.median(List.of(7.0)));
        assertEquals(5.0, EndToEndBench.median(List.of(9.0, 1.0, 5.0)));
        assertEquals(4.0, EndToEndBench.median(List.of(9.0, 1.0, 5.0, 3.0)));
    }

    @Test
    void refusesSettingsThatCannotBeMeasured()
    {
        assertThrows(IllegalArgumentException.class, () -> context().window(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> context().window(LoadGenerator.FIXED_RATE_MAX_IN_FLIGHT + 1).conclude());
        assertThrows(IllegalArgumentException.class, () -> context().rounds(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> context().rateFractions(List.of(0.0)).conclude());
        assertThrows(IllegalArgumentException.class, () -> context().durationMs(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> context().sides(java.util.EnumSet.noneOf(EndToEndBench.Side.class)).conclude());
    }

    private static EndToEndBench.Context context()
    {
        return new EndToEndBench.Context()
            .configDir(Path.of("config"))
            .runDir(Path.of("target", "bench-context-test"));
    }
}
