package dev.backstop.ops.demo;

import dev.backstop.gateway.client.EventStreamSubscriber;
import dev.backstop.sbe.events.AuctionEndedDecoder;
import dev.backstop.sbe.events.AuctionStepDecoder;
import dev.backstop.sbe.events.MessageHeaderDecoder;
import dev.backstop.sbe.events.SliceOfferedDecoder;
import dev.backstop.sbe.exchange.ResultCode;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * A backstop liquidity provider as it would run at a trading firm: it follows the gateway's event stream on its own
 * thread and, when a liquidation slice is auctioned, bids through its own gateway session like any other command.
 * <p>
 * Its policy is simple and deterministic so that a run shows both outcomes of an auction: it waits until the Dutch
 * auction's price has come down far enough towards the bankruptcy price to pay for the risk it takes, and it bids
 * only on every other auction (even auction ids), leaving the rest to the backstop pool.
 */
final class BlpBidder implements AutoCloseable
{
    /**
     * The auction step at which this BLP bids: far enough from the mark towards the bankruptcy price to pay for the
     * risk it takes over in a falling market.
     */
    static final int BID_AT_STEP = 2;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final SliceOfferedDecoder sliceOffered = new SliceOfferedDecoder();
    private final AuctionStepDecoder auctionStep = new AuctionStepDecoder();
    private final Participant blp;
    private final long accountId;
    private final AuctionEndedDecoder auctionEnded = new AuctionEndedDecoder();
    // several accounts are liquidated at once, so several auctions run side by side
    private final Long2LongHashMap offeredLots = new Long2LongHashMap(0);
    private final EventStreamSubscriber subscriber;
    private final Narrator narrator;
    private final Thread thread;
    private volatile boolean running;
    private volatile long bidsSent;
    private volatile long bidsAccepted;
    private volatile long bidsRefused;

    BlpBidder(
        final Participant blp, final long accountId, final EventStreamSubscriber subscriber, final Narrator narrator)
    {
        this.blp = blp;
        this.accountId = accountId;
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
            idle.idle(subscriber.poll(this::onEvent, 16) + pollResponses());
        }
    }

    private void onEvent(
        final long eventSequence, final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        header.wrap(buffer, offset);
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (SliceOfferedDecoder.TEMPLATE_ID == templateId)
        {
            sliceOffered.wrap(buffer, bodyOffset, header.blockLength(), header.version());
            offeredLots.put(sliceOffered.auctionId(), Math.abs(sliceOffered.quantityLots()));
        }
        else if (AuctionEndedDecoder.TEMPLATE_ID == templateId)
        {
            auctionEnded.wrap(buffer, bodyOffset, header.blockLength(), header.version());
            offeredLots.remove(auctionEnded.auctionId());
        }
        else if (AuctionStepDecoder.TEMPLATE_ID == templateId)
        {
            auctionStep.wrap(buffer, bodyOffset, header.blockLength(), header.version());
            final long auctionId = auctionStep.auctionId();
            final long lots = offeredLots.get(auctionId);
            if (lots > 0 && BID_AT_STEP == auctionStep.step() && 0 == auctionId % 2)
            {
                bid(auctionId, auctionStep.priceTicks(), lots);
            }
        }
    }

    /**
     * Sends the bid without waiting (an auction step lasts tens of milliseconds); the answer is collected by
     * {@link #pollResponses()}.
     */
    private void bid(final long auctionId, final long priceTicks, final long lots)
    {
        final long sequence = blp.client().sendAuctionBid(auctionId, accountId, priceTicks, lots);
        if (sequence > 0)
        {
            bidsSent++;
        }
    }

    private int pollResponses()
    {
        return blp.client().pollResponses(this::onResponse, 16);
    }

    private void onResponse(final long sequence, final ResultCode code, final boolean replayed, final long clusterTime)
    {
        if (ResultCode.ACCEPTED == code)
        {
            bidsAccepted++;
        }
        else
        {
            bidsRefused++;
            if (bidsRefused <= 3)
            {
                narrator.step(blp.name() + ": bid " + sequence + " refused " + code);
            }
        }
    }
}
