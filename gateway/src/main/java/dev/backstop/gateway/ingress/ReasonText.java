package dev.backstop.gateway.ingress;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A reusable ASCII text buffer for the human-readable reason of a refusal.
 * <p>
 * Refusals happen on the per-message path (a bad message must not cost a garbage-collected String), so reasons are
 * built in place from constant fragments and numbers and handed to the SBE encoders as bytes.
 */
public final class ReasonText
{
    /**
     * Longest reason kept; longer text is cut, a reason is a hint for a human, not a payload.
     */
    public static final int MAX_LENGTH = 256;

    private final MutableDirectBuffer buffer = new ExpandableArrayBuffer(MAX_LENGTH + 32);
    private int length;

    /**
     * Clears the text and starts it with {@code text}.
     *
     * @param text first fragment.
     * @return this for a fluent API.
     */
    public ReasonText set(final String text)
    {
        length = 0;
        return append(text);
    }

    /**
     * Appends a constant fragment.
     *
     * @param text fragment.
     * @return this for a fluent API.
     */
    public ReasonText append(final String text)
    {
        final int room = MAX_LENGTH - length;
        if (room > 0)
        {
            final int count = Math.min(room, text.length());
            length += buffer.putStringWithoutLengthAscii(length, text, 0, count);
        }
        return this;
    }

    /**
     * Appends a decimal number.
     *
     * @param value number.
     * @return this for a fluent API.
     */
    public ReasonText append(final long value)
    {
        if (MAX_LENGTH - length >= 20)
        {
            length += buffer.putLongAscii(length, value);
        }
        return this;
    }

    /**
     * @return the buffer holding the text from index 0.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the length of the text in bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * Allocates a String copy, for tests and logs only.
     *
     * @return the text.
     */
    public String toString()
    {
        return buffer.getStringWithoutLengthAscii(0, length);
    }

    static String utf8(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
