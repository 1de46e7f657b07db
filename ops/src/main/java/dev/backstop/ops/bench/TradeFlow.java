package dev.backstop.ops.bench;

import dev.backstop.sbe.exchange.SubmitTradeEncoder;

/**
 * The trades every side of the benchmark sends: one lot of one instrument at one price between two funded accounts,
 * the buyer and the seller swapping on every trade so that positions stay within one lot and no account ever nears
 * its margin (the clearing path is the same for every trade: duplicate check, novation, fee, realised PnL, two
 * margin checks). Message n carries venue trade id n, unique for the sender.
 *
 * @param instrumentId instrument traded.
 * @param accountA     one account (buys on odd ids).
 * @param accountB     the other (buys on even ids).
 * @param priceTicks   price of every trade.
 * @param quantityLots size of every trade.
 */
record TradeFlow(int instrumentId, long accountA, long accountB, long priceTicks, long quantityLots)
{
    /**
     * @param id message id.
     * @return the buyer of trade {@code id}.
     */
    long buyAccount(final long id)
    {
        return (id & 1) == 1 ? accountA : accountB;
    }

    /**
     * @param id message id.
     * @return the seller of trade {@code id}.
     */
    long sellAccount(final long id)
    {
        return (id & 1) == 1 ? accountB : accountA;
    }

    /**
     * Fill in everything but the sequence.
     *
     * @param encoder wrapped, sequence set.
     * @param id      message id.
     */
    void encode(final SubmitTradeEncoder encoder, final long id)
    {
        encoder
            .venueTradeId(id)
            .instrumentId(instrumentId)
            .buyAccountId(buyAccount(id))
            .sellAccountId(sellAccount(id))
            .priceTicks(priceTicks)
            .quantityLots(quantityLots)
            .buyOrderId(0)
            .sellOrderId(0);
    }
}
