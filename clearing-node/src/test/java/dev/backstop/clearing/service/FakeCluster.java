package dev.backstop.clearing.service;

import io.aeron.Aeron;
import io.aeron.DirectBufferVector;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Just enough of {@link Cluster} to drive {@link ClearingService} without a cluster: sessions, time, position.
 */
final class FakeCluster implements Cluster
{
    final List<ClientSession> sessions = new ArrayList<>();
    long time;
    long logPosition;
    final java.util.TreeMap<Long, Long> timers = new java.util.TreeMap<>();
    int timerCalls;
    int backPressuredTimerCalls;

    public int memberId()
    {
        return 0;
    }

    public Role role()
    {
        return Role.LEADER;
    }

    public long logPosition()
    {
        return logPosition;
    }

    public Aeron aeron()
    {
        return null;
    }

    public ClusteredServiceContainer.Context context()
    {
        return null;
    }

    public ClientSession getClientSession(final long clusterSessionId)
    {
        for (final ClientSession session : sessions)
        {
            if (session.id() == clusterSessionId)
            {
                return session;
            }
        }
        return null;
    }

    public Collection<ClientSession> clientSessions()
    {
        return sessions;
    }

    public void forEachClientSession(final Consumer<? super ClientSession> action)
    {
        sessions.forEach(action);
    }

    public boolean closeClientSession(final long clusterSessionId)
    {
        return false;
    }

    public long time()
    {
        return time;
    }

    public TimeUnit timeUnit()
    {
        return TimeUnit.MILLISECONDS;
    }

    public boolean scheduleTimer(final long correlationId, final long deadline)
    {
        // Like the consensus module: scheduling the same id again moves the timer.
        timers.put(correlationId, deadline);
        timerCalls++;
        if (backPressuredTimerCalls > 0)
        {
            backPressuredTimerCalls--;
            timers.remove(correlationId);
            return false;
        }
        return true;
    }

    public boolean cancelTimer(final long correlationId)
    {
        timerCalls++;
        timers.remove(correlationId);
        return true;
    }

    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("the clearing service sends nothing to itself");
    }

    public long offer(final DirectBufferVector[] vectors)
    {
        throw new UnsupportedOperationException("the clearing service sends nothing to itself");
    }

    public long tryClaim(final int length, final BufferClaim bufferClaim)
    {
        throw new UnsupportedOperationException("the clearing service sends nothing to itself");
    }

    public IdleStrategy idleStrategy()
    {
        return NoOpIdleStrategy.INSTANCE;
    }
}
