package dev.backstop.ops.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonLineTest
{
    @Test
    void shouldWriteFieldsInOrderWithEscapes()
    {
        final String json = new JsonLine()
            .field("nodes", 3)
            .field("ok", true)
            .field("runDir", "run/\"demo\"\\x\n")
            .field("none", (String)null)
            .field("refusals", new JsonLine().field("DUPLICATE_TRADE", 1))
            .toString();

        assertEquals(
            "{\"nodes\":3,\"ok\":true,\"runDir\":\"run/\\\"demo\\\"\\\\x\\n\",\"none\":null," +
            "\"refusals\":{\"DUPLICATE_TRADE\":1}}",
            json);
    }

    @Test
    void shouldWriteDoublesAndNullForWhatJsonCannotHold()
    {
        assertEquals("{\"ratio\":0.75,\"rate\":12000.5,\"nan\":null,\"inf\":null}", new JsonLine()
            .field("ratio", 0.75)
            .field("rate", 12000.5)
            .field("nan", Double.NaN)
            .field("inf", Double.POSITIVE_INFINITY)
            .toString());
    }

    @Test
    void shouldWriteEmptyObject()
    {
        assertEquals("{}", new JsonLine().toString());
    }
}
