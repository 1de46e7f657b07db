package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The time-weighted average of the mark and the takeover band around it, against numbers worked by hand.
 */
class PriceBandTest
{
    @Test
    void averageIsTimeWeightedAndTheBandIsInclusive()
    {
        final PriceBand band = new PriceBand(); // 300_000 ms in 60 buckets of 5_000 ms
        assertTrue(band.withinBand(1, 0, 50_000)); // no history: its own average
        band.onMark(1_000, 0);
        assertEquals(1_000L, band.twapTicks(0));
        band.onMark(1_100, 100_000);
        // (1_000 × 100_000 + 1_100 × 100_000) / 200_000 = 1_050.
        assertEquals(1_050L, band.twapTicks(200_000));
        // Band ±5% of 1_050 = ±52.5: 1_102 in (52e6 <= 52.5e6), 1_103 out; 998 in, 997 out.
        assertTrue(band.withinBand(1_102, 200_000, 50_000));
        assertFalse(band.withinBand(1_103, 200_000, 50_000));
        assertTrue(band.withinBand(998, 200_000, 50_000));
        assertFalse(band.withinBand(997, 200_000, 50_000));
        // Exactly on the edge: twap 1_000, 5% = 50.
        final PriceBand flat = new PriceBand();
        flat.onMark(1_000, 0);
        assertTrue(flat.withinBand(1_050, 10_000, 50_000));
        assertFalse(flat.withinBand(1_051, 10_000, 50_000));
    }

    @Test
    void oldMarksDropOutOfTheWindowBucketByBucket()
    {
        final PriceBand band = new PriceBand();
        band.onMark(1_000, 0);
        band.onMark(1_100, 100_000);
        // At 300_000 the window starts at bucket 1 (5_000 ms): 1_000 × 95_000 + 1_100 × 200_000 = 315_000_000
        // over 295_000 ms = 1_067.8 -> 1_067.
        assertEquals(1_067L, band.twapTicks(300_000));
        // At 400_000 the window starts at 105_000: only 1_100 is left.
        assertEquals(1_100L, band.twapTicks(400_000));
        // Feeding marks later integrates the same: a crash to 770 (-30%) is outside the band around 1_100.
        band.onMark(770, 400_000);
        assertEquals(1_100L, band.twapTicks(400_000));
        assertFalse(band.withinBand(770, 400_000, 50_000));
        // 770 held for 10 s; at 410_000 the window starts at bucket 23 (115_000):
        // 1_100 × 285_000 + 770 × 10_000 = 321_200_000 over 295_000 ms = 1_088.8 -> 1_088.
        assertEquals(1_088L, band.twapTicks(410_000));
        // Long after, only 770 is in the window.
        band.onMark(770, 2_000_000);
        assertEquals(770L, band.twapTicks(2_000_000));
        assertTrue(band.withinBand(770, 2_000_000, 50_000));
    }

    @Test
    void snapshotRestoreGivesTheSameAverage()
    {
        final PriceBand band = new PriceBand();
        band.onMark(1_000, 0);
        band.onMark(1_100, 123_456);
        band.onMark(900, 250_001);
        final PriceBand copy = new PriceBand();
        copy.restore(band.hasMark(), band.lastMarkTicks(), band.lastMs());
        for (int slot = 0; slot < band.bucketCount(); slot++)
        {
            copy.restoreBucket(slot, band.bucketEpochAt(slot), band.bucketIntegralAt(slot), band.bucketDurationAt(slot));
        }
        for (long t = 250_001; t < 700_000; t += 33_333)
        {
            assertEquals(band.twapTicks(t), copy.twapTicks(t));
        }
    }
}
