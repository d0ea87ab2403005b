package io.sluice.incremental;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * The exact sum of doubles, so it does not depend on the order they arrive in and the incremental
 * and full recomputes agree to the last bit. Every double is an integer times a power of two, so
 * the sum is kept as one too: a {@code long} while it fits, a {@link BigInteger} after, aligned by
 * shifts. {@code new BigDecimal(double)} gives the same exact value but expands each double into up
 * to ~750 decimal digits and aligns scales by powers of ten; that was a third of a metrics recompute.
 *
 * <p>NaN and infinities (Avro sources may hold them) are counted apart, so the value is what SQL's
 * {@code SUM} over doubles gives (NaN if any NaN or both infinities, else the infinity, else the
 * exact sum) and a removed NaN or infinity leaves the rest exact. Mutable and not thread-safe,
 * like the aggregate that holds it.
 */
final class ExactSum {
  private static final BigInteger FIVE = BigInteger.valueOf(5);

  /** The value is {@code small * 2^scale} while {@code big} is null, then {@code big * 2^scale}. */
  private long small;
  private BigInteger big;
  private int scale;
  private long nans;
  private long positiveInfinities;
  private long negativeInfinities;

  void add(double d) {
    addDouble(d, false);
  }

  /** Takes back a {@code d} added before: the finite part goes down by {@code d}, or the count of its kind by one. */
  void subtract(double d) {
    addDouble(d, true);
  }

  /** Adds the value of {@code other}, which is left as it was. */
  void add(ExactSum other) {
    nans += other.nans;
    positiveInfinities += other.positiveInfinities;
    negativeInfinities += other.negativeInfinities;
    if (other.signum() == 0) {
      return;
    }
    if (other.big == null && within(other.small, 53)) {
      addTerm(other.small, other.scale);
    } else {
      addBig(other.unscaled(), other.scale);
    }
  }

  /** Makes this sum equal to {@code other}. */
  void set(ExactSum other) {
    small = other.small;
    big = other.big;
    scale = other.scale;
    nans = other.nans;
    positiveInfinities = other.positiveInfinities;
    negativeInfinities = other.negativeInfinities;
  }

  /** The sign of the finite part. */
  int signum() {
    return big != null ? big.signum() : Long.signum(small);
  }

  /** The finite part's exact value as a decimal, whose expansion always terminates. */
  BigDecimal toBigDecimal() {
    BigInteger u = unscaled();
    if (u.signum() == 0) {
      return BigDecimal.ZERO;
    }
    int zeros = u.getLowestSetBit();
    u = u.shiftRight(zeros);
    int s = scale + zeros;
    // u * 2^-k = u * 5^k / 10^k
    return s >= 0 ? new BigDecimal(u.shiftLeft(s)) : new BigDecimal(u.multiply(FIVE.pow(-s)), -s);
  }

  /** The double nearest the exact value; NaN or an infinity as SQL's {@code SUM} gives them. */
  double doubleValue() {
    if (nans > 0 || (positiveInfinities > 0 && negativeInfinities > 0)) {
      return Double.NaN;
    }
    if (positiveInfinities > 0 || negativeInfinities > 0) {
      return positiveInfinities > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    return big == null && small == 0 ? 0.0 : toBigDecimal().doubleValue();
  }

  /**
   * Writes the state as partial-state text: {@code sum}, the finite part without trailing zeros, and
   * {@code nan}, {@code +inf} and {@code -inf} counts where not zero (rows written before they were
   * counted have none).
   */
  void writeTo(Map<String, String> state) {
    state.put("sum", signum() == 0 ? "0" : toBigDecimal().stripTrailingZeros().toPlainString());
    putCount(state, "nan", nans);
    putCount(state, "+inf", positiveInfinities);
    putCount(state, "-inf", negativeInfinities);
  }

  /** The sum {@link #writeTo} wrote, or null when the text is not such a state. */
  static ExactSum read(Map<String, String> state) {
    String sum = state.get("sum");
    if (sum == null) {
      return null;
    }
    try {
      ExactSum s = of(new BigDecimal(sum));
      if (s != null) {
        s.nans = Long.parseLong(state.getOrDefault("nan", "0"));
        s.positiveInfinities = Long.parseLong(state.getOrDefault("+inf", "0"));
        s.negativeInfinities = Long.parseLong(state.getOrDefault("-inf", "0"));
      }
      return s;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void putCount(Map<String, String> state, String key, long count) {
    if (count != 0) {
      state.put(key, Long.toString(count));
    }
  }

  /**
   * The sum whose value is {@code value}, or null when that is not a finite binary fraction (no sum
   * of doubles has such a value, so the text did not come from {@link #toBigDecimal}).
   */
  static ExactSum of(BigDecimal value) {
    ExactSum s = new ExactSum();
    if (value.signum() == 0) {
      return s;
    }
    BigDecimal v = value.stripTrailingZeros();
    int k = v.scale();
    if (k <= 0) {
      s.big = v.unscaledValue().multiply(BigInteger.TEN.pow(-k));
      return s;
    }
    BigInteger[] qr = v.unscaledValue().divideAndRemainder(FIVE.pow(k));
    if (qr[1].signum() != 0) {
      return null;
    }
    s.big = qr[0];
    s.scale = -k;
    return s;
  }

  private BigInteger unscaled() {
    return big != null ? big : BigInteger.valueOf(small);
  }

  private void addDouble(double d, boolean negate) {
    long by = negate ? -1 : 1;
    if (Double.isNaN(d)) {
      nans += by;
      return;
    }
    if (Double.isInfinite(d)) {
      if (d > 0) {
        positiveInfinities += by;
      } else {
        negativeInfinities += by;
      }
      return;
    }
    if (d == 0) {
      return;
    }
    long bits = Double.doubleToRawLongBits(d);
    int biased = (int) ((bits >>> 52) & 0x7ff);
    long m = bits & 0xf_ffff_ffff_ffffL;
    int e;
    if (biased == 0) {
      e = -1074;
    } else {
      m |= 1L << 52;
      e = biased - 1075;
    }
    int zeros = Long.numberOfTrailingZeros(m);
    m >>= zeros;
    e += zeros;
    addTerm((bits < 0) != negate ? -m : m, e);
  }

  /** Adds {@code m * 2^e}, {@code m} non-zero and below 2^53 in magnitude. */
  private void addTerm(long m, int e) {
    if (big == null) {
      if (small == 0) {
        small = m;
        scale = e;
        return;
      }
      if (e >= scale) {
        int shift = e - scale;
        if (shift < 63 && within(m, 62 - shift) && addSmall(m << shift)) {
          return;
        }
      } else {
        int shift = scale - e;
        if (shift < 63 && within(small, 62 - shift)) {
          // both terms below 2^62 in magnitude: the sum cannot overflow
          small = (small << shift) + m;
          scale = e;
          return;
        }
      }
    }
    addBig(BigInteger.valueOf(m), e);
  }

  /** True when {@code |v| < 2^bits}. */
  private static boolean within(long v, int bits) {
    return v > -(1L << bits) && v < 1L << bits;
  }

  private boolean addSmall(long v) {
    long r = small + v;
    if (((small ^ r) & (v ^ r)) < 0) {
      return false;
    }
    small = r;
    return true;
  }

  private void addBig(BigInteger m, int e) {
    BigInteger u = unscaled();
    if (u.signum() == 0) {
      big = m;
      scale = e;
    } else if (e >= scale) {
      big = u.add(m.shiftLeft(e - scale));
    } else {
      big = u.shiftLeft(scale - e).add(m);
      scale = e;
    }
  }
}
