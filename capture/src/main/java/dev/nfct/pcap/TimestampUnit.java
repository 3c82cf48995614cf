package dev.nfct.pcap;

import java.math.BigInteger;

/**
 * Converts pcapng timestamp ticks to nanoseconds, following an interface's if_tsresol option:
 * a power of ten (high bit clear) or a power of two (high bit set) ticks per second.
 */
final class TimestampUnit {
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
    static final TimestampUnit MICROS = fromTsresol(6);

    /** Ticks-to-ns multiplier when it is a whole number (decimal resolutions up to ns), else 0. */
    private final long multiplier;
    /** Ticks per second, used for the rare resolutions finer than ns or binary ones. */
    private final BigInteger ticksPerSecond;

    private TimestampUnit(long multiplier, BigInteger ticksPerSecond) {
        this.multiplier = multiplier;
        this.ticksPerSecond = ticksPerSecond;
    }

    static TimestampUnit fromTsresol(int tsresol) {
        int exponent = tsresol & 0x7f;
        boolean binary = (tsresol & 0x80) != 0;
        BigInteger perSecond = binary ? BigInteger.ONE.shiftLeft(exponent) : BigInteger.TEN.pow(exponent);
        long multiplier =
                !binary && exponent <= 9 ? NANOS_PER_SECOND.divide(perSecond).longValueExact() : 0;
        return new TimestampUnit(multiplier, perSecond);
    }

    /** @param ticks the 64-bit timestamp of the block, treated as unsigned */
    long toNanos(long ticks) {
        if (multiplier != 0) {
            return ticks * multiplier;
        }
        BigInteger t = new BigInteger(Long.toUnsignedString(ticks));
        return t.multiply(NANOS_PER_SECOND).divide(ticksPerSecond).longValue();
    }
}
