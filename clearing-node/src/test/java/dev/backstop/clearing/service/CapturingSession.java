package dev.backstop.clearing.service;

import io.aeron.DirectBufferVector;
import io.aeron.cluster.service.ClientSession;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A client session that keeps a copy of every message offered to it, or refuses them all with a given result.
 */
final class CapturingSession implements ClientSession
{
    final long id;
    final List<UnsafeBuffer> messages = new ArrayList<>();
    long offerResult = 1;
    boolean capture = true;
    int offers;

    CapturingSession(final long id)
    {
        this.id = id;
    }

    public long id()
    {
        return id;
    }

    public int responseStreamId()
    {
        return 102;
    }

    public String responseChannel()
    {
        return "aeron:udp?endpoint=127.0.0.1:0";
    }

    public byte[] encodedPrincipal()
    {
        return new byte[0];
    }

    public void close()
    {
    }

    public boolean isClosing()
    {
        return false;
    }

    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        offers++;
        if (offerResult > 0 && capture)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            messages.add(new UnsafeBuffer(copy));
        }
        return offerResult;
    }

    public long offer(final DirectBufferVector[] vectors)
    {
        throw new UnsupportedOperationException();
    }

    public long tryClaim(final int length, final BufferClaim bufferClaim)
    {
        throw new UnsupportedOperationException();
    }
}
