package dev.backstop.ops.demo;

import dev.backstop.gateway.client.EventStreamSubscriber;
import dev.backstop.gateway.client.Response;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * A backstop liquidity provider as it would run at a trading firm: it follows the gateway's event stream on its own
 * thread and, when a liquidation slice is auctioned, bids through its own gateway session like any other command.
 * <p>
 * Its policy is simple and deterministic so that a run shows both outcomes of an auction: it waits until the Dutch
 * auction's price has come down far enough towards the bankruptcy price to pay for the risk it takes, and it bids
 * only on every other auction, leaving the rest to the backstop pool.
 */
final class BlpBidder implements AutoCloseable
{
    private final Participant blp;
    private final EventStreamSubscriber subscriber;
    private final Narrator narrator;
    private final Thread thread;
    private volatile boolean running;
    private volatile long bidsSent;
    private volatile long bidsAccepted;
    private volatile long bidsRefused;

    BlpBidder(final Participant blp, final EventStreamSubscriber subscriber, final Narrator narrator)
    {
        this.blp = blp;
        this.subscriber = subscriber;
        this.narrator = narrator;
        this.thread = new Thread(this::run, "backstop-demo-blp");
        this.thread.setDaemon(true);
    }

    /**
     * @return true once the gateway's event publication reached this BLP.
     */
    boolean isConnected()
    {
        return subscriber.isConnected();
    }

    /**
     * Start bidding; from now on only this BLP's thread uses its gateway session.
     */
    void start()
    {
        running = true;
        thread.start();
    }

    /**
     * Stop bidding and wait for the thread.
     */
    void stop()
    {
        running = false;
        if (thread.isAlive() && Thread.currentThread() != thread)
        {
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    long bidsSent()
    {
        return bidsSent;
    }

    long bidsAccepted()
    {
        return bidsAccepted;
    }

    long bidsRefused()
    {
        return bidsRefused;
    }

    public void close()
    {
        stop();
        CloseHelper.quietClose(subscriber);
    }

    private void run()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(
            10, 20, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
        while (running)
        {
            idle.idle(subscriber.poll(this::onEvent, 16));
        }
    }

    private void onEvent(
        final long eventSequence, final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        // TODO adapt: decode SliceOffered / AuctionStep and bid
    }

    private void record(final Response response)
    {
        bidsSent++;
        if (response.isAccepted())
        {
            bidsAccepted++;
        }
        else
        {
            bidsRefused++;
        }
    }
}
