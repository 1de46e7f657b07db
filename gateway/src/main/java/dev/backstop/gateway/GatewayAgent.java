package dev.backstop.gateway;

import dev.backstop.gateway.cluster.ClusterClient;
import dev.backstop.gateway.cluster.ClusterResponseHandler;
import dev.backstop.gateway.events.EventRepublisher;
import dev.backstop.gateway.ingress.IngressAdapter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.NanoClock;

/**
 * The gateway's single duty cycle: the Aeron client conductor, the cluster client (egress, sends, keep-alive,
 * reconnect), the exchange ingress and replies, and the event republisher, all on one thread so none of them needs
 * a lock.
 * <p>
 * Nothing that arrives from outside may stop the gateway: each part catches what it can, and whatever still escapes
 * a part is counted and the cycle goes on.
 */
public final class GatewayAgent implements Agent, ClusterResponseHandler
{
    private final AgentInvoker conductorInvoker;
    private final NanoClock clock;
    private final GatewayCounters counters;
    private final ClusterClient cluster;
    private final IngressAdapter ingress;
    private final EventRepublisher events;
    private long lastErrorLogNs = Long.MIN_VALUE;

    /**
     * @param conductorInvoker Aeron client conductor invoker (the client runs on this agent's thread), or null.
     * @param clock            time source.
     * @param counters         gateway counters.
     * @param cluster          cluster client.
     * @param ingress          exchange ingress.
     * @param events           event republisher.
     */
    public GatewayAgent(
        final AgentInvoker conductorInvoker,
        final NanoClock clock,
        final GatewayCounters counters,
        final ClusterClient cluster,
        final IngressAdapter ingress,
        final EventRepublisher events)
    {
        this.conductorInvoker = conductorInvoker;
        this.clock = clock;
        this.counters = counters;
        this.cluster = cluster;
        this.ingress = ingress;
        this.events = events;
        cluster.handler(this);
        events.replayRequester(cluster::requestEventReplay);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = 0;
        long nowNs = clock.nanoTime();

        if (null != conductorInvoker)
        {
            try
            {
                workCount += conductorInvoker.invoke();
            }
            catch (final RuntimeException ex)
            {
                onError(nowNs, "aeron client", ex);
            }
        }

        try
        {
            workCount += cluster.doWork(nowNs);
        }
        catch (final RuntimeException ex)
        {
            onError(nowNs, "cluster client", ex);
        }

        nowNs = clock.nanoTime();
        try
        {
            workCount += ingress.doWork(nowNs);
        }
        catch (final RuntimeException ex)
        {
            onError(nowNs, "ingress", ex);
        }

        try
        {
            workCount += events.doWork(nowNs);
        }
        catch (final RuntimeException ex)
        {
            onError(nowNs, "events", ex);
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        CloseHelper.quietCloseAll(ingress, cluster, events);
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "backstop-gateway";
    }

    /**
     * {@inheritDoc}
     */
    public void onResult(
        final long senderId,
        final long sequence,
        final int templateId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        ingress.onResult(senderId, sequence, templateId, buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void onSenderSequence(final long correlationId, final long senderId, final long lastAppliedSequence)
    {
        ingress.onSenderSequence(correlationId, senderId, lastAppliedSequence);
    }

    /**
     * {@inheritDoc}
     */
    public void onEventReplayResult(final long fromEventSequence, final long lastEventSequence, final boolean expired)
    {
        events.onReplayResult(fromEventSequence, lastEventSequence, expired);
    }

    /**
     * {@inheritDoc}
     */
    public void onLeaderChange()
    {
        events.onLeaderChange();
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        events.onEvent(buffer, offset, length);
    }

    /**
     * @return the cluster client (diagnostics).
     */
    public ClusterClient cluster()
    {
        return cluster;
    }

    /**
     * @return the ingress adapter (diagnostics).
     */
    public IngressAdapter ingress()
    {
        return ingress;
    }

    /**
     * @return the event republisher (diagnostics).
     */
    public EventRepublisher events()
    {
        return events;
    }

    private void onError(final long nowNs, final String part, final RuntimeException ex)
    {
        counters.errors.incrementRelease();
        // An error repeated every cycle must not flood the log.
        if (Long.MIN_VALUE == lastErrorLogNs || nowNs - lastErrorLogNs > 1_000_000_000L)
        {
            lastErrorLogNs = nowNs;
            System.err.println("[gateway] error in " + part + ": " + ex);
            ex.printStackTrace(System.err);
        }
    }
}
