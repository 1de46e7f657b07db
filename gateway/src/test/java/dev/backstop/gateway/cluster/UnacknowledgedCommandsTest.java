package dev.backstop.gateway.cluster;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class UnacknowledgedCommandsTest
{
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[64]);

    @Test
    void keepsCommandsInOrderUntilAcknowledgedAndRewindsForResend()
    {
        final UnacknowledgedCommands commands = new UnacknowledgedCommands(10);
        for (long sequence = 1; sequence <= 3; sequence++)
        {
            command.putLong(0, sequence);
            assertNotNull(commands.addCommand(100, sequence, command, 0, 16, sequence));
        }
        assertEquals(1, commands.cursor().key());

        commands.markCursorSent(10);
        commands.markCursorSent(11);
        assertEquals(3, commands.cursor().key(), "two sent, the third still to send");

        assertTrue(commands.acknowledgeCommand(100, 1));
        assertFalse(commands.acknowledgeCommand(100, 1), "a second result for the same command is a duplicate");
        assertEquals(2, commands.size());

        assertEquals(1, commands.rewind(), "only the sent-but-unanswered command is a resend");
        assertEquals(2, commands.cursor().key(), "resend starts from the oldest unanswered");
        assertEquals(2, commands.cursor().buffer().getLong(0));
        commands.markCursorSent(12);
        assertEquals(3, commands.cursor().key());
        commands.markCursorSent(13);
        assertNull(commands.cursor());
        assertEquals(2, commands.head().sendCount());
    }

    @Test
    void acknowledgingTheCursorEntryMovesTheCursor()
    {
        final UnacknowledgedCommands commands = new UnacknowledgedCommands(10);
        commands.addCommand(1, 1, command, 0, 8, 0);
        commands.addCommand(1, 2, command, 0, 8, 0);

        commands.acknowledgeCommand(1, 1);

        assertEquals(2, commands.cursor().key());
        assertSame(commands.head(), commands.cursor());
    }

    @Test
    void refusesBeyondCapacityButAlwaysTakesQueries()
    {
        final UnacknowledgedCommands commands = new UnacknowledgedCommands(2);
        assertNotNull(commands.addCommand(1, 1, command, 0, 8, 0));
        assertNotNull(commands.addCommand(1, 2, command, 0, 8, 0));
        assertTrue(commands.isFull());
        assertNull(commands.addCommand(1, 3, command, 0, 8, 0));

        assertNotNull(commands.addQuery(77, 5, command, 0, 8, 0));
        assertEquals(3, commands.size());
        assertTrue(commands.removeQuery(77));
        assertFalse(commands.removeQuery(77));
    }

    @Test
    void seesALostResultWhenALaterResultOfTheSameSenderOvertakesIt()
    {
        final UnacknowledgedCommands commands = new UnacknowledgedCommands(10);
        commands.addCommand(1, 5, command, 0, 8, 0);
        commands.addCommand(1, 6, command, 0, 8, 0);
        commands.addCommand(2, 9, command, 0, 8, 0);
        commands.addCommand(1, 7, command, 0, 8, 0);
        commands.markCursorSent(100);
        commands.markCursorSent(100);
        commands.markCursorSent(101);
        assertFalse(commands.resultOvertookEarlier(1, 7), "7 was never sent: its result cannot have come");
        commands.markCursorSent(102);

        assertFalse(commands.resultOvertookEarlier(1, 5), "the oldest itself");
        assertTrue(commands.resultOvertookEarlier(1, 6), "6 was sent in the same pass after 5: 5's result was lost");
        assertTrue(commands.resultOvertookEarlier(1, 7));
        assertFalse(commands.resultOvertookEarlier(2, 9), "another sender's results say nothing about sender 1's");
        assertFalse(commands.resultOvertookEarlier(1, 8), "not an unanswered command");

        // after a resend pass every command has gone twice: a result may be from either send, so no conclusion
        commands.rewind();
        for (int i = 0; i < 4; i++)
        {
            commands.markCursorSent(200);
        }
        assertFalse(commands.resultOvertookEarlier(1, 6));

        // a fresh command sent after 5's resend, answered first: 5's resent result was lost again
        commands.addCommand(1, 8, command, 0, 8, 0);
        commands.markCursorSent(201);
        assertTrue(commands.resultOvertookEarlier(1, 8));
        commands.acknowledgeCommand(1, 5);
        commands.acknowledgeCommand(1, 6);
        commands.acknowledgeCommand(1, 7);
        assertFalse(commands.resultOvertookEarlier(1, 8), "the oldest is another sender's now");
    }

    @Test
    void findsEarlierUnansweredCommandOfTheSameSender()
    {
        final UnacknowledgedCommands commands = new UnacknowledgedCommands(10);
        commands.addCommand(1, 5, command, 0, 8, 0);
        commands.addCommand(2, 3, command, 0, 8, 0);
        commands.addCommand(1, 6, command, 0, 8, 0);

        assertTrue(commands.hasEarlierCommand(1, 6));
        assertFalse(commands.hasEarlierCommand(1, 5));
        assertFalse(commands.hasEarlierCommand(2, 3));
    }

    @Test
    void reusesEntries()
    {
        final UnacknowledgedCommands commands = new UnacknowledgedCommands(4);
        final UnacknowledgedCommands.Entry first = commands.addCommand(1, 1, command, 0, 8, 0);
        commands.acknowledgeCommand(1, 1);

        assertSame(first, commands.addCommand(1, 2, command, 0, 8, 0));
    }
}
