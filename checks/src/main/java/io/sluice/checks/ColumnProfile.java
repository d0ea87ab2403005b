package io.sluice.checks;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What one column looked like over some records: counts of rows, nulls and zeros, and a uniform
 * reservoir sample of numeric values, mergeable so daily profiles add up to a baseline.
 */
public final class ColumnProfile {
  static final int SAMPLE = 1000;

  @JsonProperty("rows") long rows;
  @JsonProperty("nulls") long nulls;
  @JsonProperty("zeros") long zeros;
  @JsonProperty("numeric") long numeric;
  @JsonProperty("sample") double[] sample;
  @JsonProperty("seen") long seen;

  public ColumnProfile() {
    this.sample = new double[0];
  }

  @JsonCreator
  ColumnProfile(@JsonProperty("rows") long rows, @JsonProperty("nulls") long nulls, @JsonProperty("zeros") long zeros,
                @JsonProperty("numeric") long numeric, @JsonProperty("sample") double[] sample,
                @JsonProperty("seen") long seen) {
    this.rows = rows;
    this.nulls = nulls;
    this.zeros = zeros;
    this.numeric = numeric;
    this.sample = sample == null ? new double[0] : sample;
    this.seen = seen;
  }

  /** Adds one value; {@code rnd} must be seeded deterministically so reruns profile alike. */
  void add(Object value, SplittableRandom rnd) {
    rows++;
    if (value == null) {
      nulls++;
      return;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      numeric++;
      if (d == 0) {
        zeros++;
      }
      // distribution tests and the stored sample take finite values; NaN and infinities (Avro sources) stay out
      if (!Double.isFinite(d)) {
        return;
      }
      seen++;
      if (sample.length < SAMPLE) {
        sample = Arrays.copyOf(sample, sample.length + 1);
        sample[sample.length - 1] = d;
      } else {
        long j = rnd.nextLong(seen);
        if (j < SAMPLE) {
          sample[(int) j] = d;
        }
      }
    }
  }

  /** A profile of both; the sample stays uniform by drawing from each side in proportion. */
  ColumnProfile merge(ColumnProfile o, SplittableRandom rnd) {
    ColumnProfile m = new ColumnProfile(rows + o.rows, nulls + o.nulls, zeros + o.zeros, numeric + o.numeric,
        new double[0], seen + o.seen);
    if (sample.length + o.sample.length <= SAMPLE) {
      m.sample = concat(sample, o.sample);
      return m;
    }
    double pa = seen == 0 ? 0 : (double) seen / (seen + o.seen);
    double[] out = new double[SAMPLE];
    for (int i = 0; i < SAMPLE; i++) {
      boolean fromA = o.sample.length == 0 || (sample.length > 0 && rnd.nextDouble() < pa);
      double[] src = fromA ? sample : o.sample;
      out[i] = src[rnd.nextInt(src.length)];
    }
    m.sample = out;
    return m;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  double nullRate() {
    return rows == 0 ? 0 : (double) nulls / rows;
  }

  double zeroRate() {
    return numeric == 0 ? 0 : (double) zeros / numeric;
  }
}
