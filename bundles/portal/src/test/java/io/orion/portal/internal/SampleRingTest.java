package io.orion.portal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class SampleRingTest {

    private static long[] times(SampleRing r, long after, long notBefore) {
        return r.read(after, notBefore).times();
    }

    @Test
    void keepsTheNewestSamplesOnceFullOldestFirst() {
        SampleRing r = new SampleRing(40, 2);
        for (long t = 1; t <= 100; t++) assertTrue(r.add(t, t, -t));
        assertEquals(40, r.size());
        SampleRing.Columns c = r.read(Long.MIN_VALUE, Long.MIN_VALUE);
        assertArrayEquals(LongStream.rangeClosed(61, 100).toArray(), c.times());
        assertEquals(61f, c.values()[0][0]);
        assertEquals(-100f, c.values()[1][39]);
        assertEquals(100, r.newest());
    }

    @Test
    void growsAsSamplesComeWhileKeepingOrderAcrossAWrap() {
        SampleRing r = new SampleRing(100, 1);
        for (long t = 1; t <= 16; t++) r.add(t, t); // exactly the first allocation
        r.add(17, 17);                                // grows here
        for (long t = 18; t <= 130; t++) r.add(t, t);  // wraps past the capacity
        long[] t = times(r, Long.MIN_VALUE, Long.MIN_VALUE);
        assertEquals(100, t.length);
        assertEquals(31, t[0]);
        assertEquals(130, t[99]);
        for (int i = 1; i < t.length; i++) assertEquals(t[i - 1] + 1, t[i]);
    }

    @Test
    void readsOnlyAfterAndWithinTheWindow() {
        SampleRing r = new SampleRing(10, 1);
        for (long t = 10; t <= 100; t += 10) r.add(t, t);
        assertArrayEquals(new long[] {60, 70, 80, 90, 100}, times(r, 50, Long.MIN_VALUE), "after is exclusive");
        assertArrayEquals(new long[] {30, 40, 50, 60, 70, 80, 90, 100}, times(r, Long.MIN_VALUE, 30), "notBefore is inclusive");
        assertArrayEquals(new long[] {80, 90, 100}, times(r, 70, 30));
        assertEquals(0, r.read(100, Long.MIN_VALUE).size());
        assertEquals(0, r.read(Long.MAX_VALUE, Long.MIN_VALUE).size());
    }

    @Test
    void refusesTimeThatDoesNotMoveForward() {
        SampleRing r = new SampleRing(5, 1);
        assertTrue(r.add(100, 1));
        assertFalse(r.add(100, 2), "the same report twice");
        assertFalse(r.add(90, 3), "a clock that stepped back");
        assertEquals(1, r.size());
        assertEquals(1f, r.read(Long.MIN_VALUE, Long.MIN_VALUE).values()[0][0]);
        assertEquals(Long.MIN_VALUE, new SampleRing(3, 1).newest());
    }

    @Test
    void checksItsShape() {
        assertThrows(IllegalArgumentException.class, () -> new SampleRing(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SampleRing(1, 0));
        SampleRing r = new SampleRing(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.add(1, 1f, 2f));
        assertTrue(e.getMessage().contains("3 values, got 2"), e.getMessage());
    }
}
