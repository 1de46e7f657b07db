package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.Outcome;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of every fixed reason the service sends, encoded once so that a refusal never allocates on the
 * command path.
 */
final class ReasonText
{
    static final byte[] MESSAGE_TOO_SHORT = utf8("message shorter than the SBE message header");
    static final byte[] WRONG_SCHEMA_ID = utf8("wrong schema id: expected the cluster protocol (102)");
    static final byte[] WRONG_SCHEMA_VERSION = utf8("unsupported cluster protocol version");
    static final byte[] UNKNOWN_TEMPLATE = utf8("unknown template id for a cluster command");
    static final byte[] BLOCK_LENGTH_TOO_SHORT = utf8("block length shorter than the command's fixed fields");
    static final byte[] TRUNCATED = utf8("message shorter than its header and block length");
    static final byte[] BAD_VAR_DATA = utf8("variable-length field runs past the end of the message");
    static final byte[] BAD_GROUP = utf8("repeating group runs past the end of the message or holds too many entries");
    static final byte[] UNKNOWN_ENUM_VALUE = utf8("enumeration field holds a value this protocol version does not define");
    static final byte[] INTERNAL_ERROR = utf8("internal error while applying the command; see the node's error log");

    private static final byte[][] BY_OUTCOME = new byte[Outcome.values().length][];

    static
    {
        for (final Outcome outcome : Outcome.values())
        {
            BY_OUTCOME[outcome.ordinal()] = utf8(outcome.reason());
        }
    }

    private ReasonText()
    {
    }

    static byte[] of(final Outcome outcome)
    {
        return BY_OUTCOME[outcome.ordinal()];
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
