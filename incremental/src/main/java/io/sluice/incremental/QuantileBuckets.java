package io.sluice.incremental;

import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;

/**
 * Counts of values in DDSketch's logarithmic buckets (relative accuracy {@value #ACCURACY}): an
 * approximate quantile whose state adds and subtracts record by record and does not depend on the
 * order records arrive in. That makes {@code approx_pNN} decomposable, unlike an exact quantile,
 * and equal on the incremental and full paths. The bucket mapping is DDSketch's; the counts are kept
 * here because DDSketch's stores cannot take a value back out.
 */
final class QuantileBuckets {
  static final double ACCURACY = 0.01;
  private static final IndexMapping MAPPING = new LogarithmicMapping(ACCURACY);

  private final Store positive = new Store();
  private final Store negative = new Store();
  private long zeros;
  // infinities rank below and above every bucket; NaN is left out, as Commons Math's exact percentile leaves it
  private long negativeInfinities;
  private long positiveInfinities;
  private long count;

  /** Counts per bucket index in one array, grown as indexes arrive (a value range spans a few hundred). */
  private static final class Store {
    private long[] counts = new long[0];
    private int offset;

    void add(int index, long by) {
      if (counts.length == 0) {
        counts = new long[32];
        offset = index - 16;
      } else if (index < offset || index >= offset + counts.length) {
        int low = Math.min(offset, index);
        int high = Math.max(offset + counts.length - 1, index);
        int size = Math.max(high - low + 1, counts.length * 2);
        int newOffset = index < offset ? high - size + 1 : low;
        long[] grown = new long[size];
        System.arraycopy(counts, 0, grown, offset - newOffset, counts.length);
        counts = grown;
        offset = newOffset;
      }
      counts[index - offset] += by;
    }

    void merge(Store other) {
      for (int i = 0; i < other.counts.length; i++) {
        if (other.counts[i] != 0) {
          add(other.offset + i, other.counts[i]);
        }
      }
    }

    long total() {
      long n = 0;
      for (long c : counts) {
        n += c;
      }
      return n;
    }

    String encode() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != 0) {
          sb.append(sb.length() == 0 ? "" : ",").append(offset + i).append(':').append(counts[i]);
        }
      }
      return sb.toString();
    }

    void decode(String text) {
      if (text.isEmpty()) {
        return;
      }
      for (String pair : text.split(",")) {
        int colon = pair.indexOf(':');
        add(Integer.parseInt(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)));
      }
    }
  }

  void add(double v) {
    change(v, 1);
  }

  void remove(double v) {
    change(v, -1);
  }

  private void change(double v, long by) {
    if (Double.isNaN(v)) {
      return;
    }
    count += by;
    double magnitude = Math.abs(v);
    if (magnitude > MAPPING.maxIndexableValue()) {
      // an infinity; finite doubles this large (above ~1.76e308) count as one too
      if (v > 0) {
        positiveInfinities += by;
      } else {
        negativeInfinities += by;
      }
    } else if (magnitude < MAPPING.minIndexableValue()) {
      zeros += by;
    } else {
      (v > 0 ? positive : negative).add(MAPPING.index(magnitude), by);
    }
  }

  /** Adds the counts of {@code other}, as if its values had been added here. */
  void merge(QuantileBuckets other) {
    positive.merge(other.positive);
    negative.merge(other.negative);
    zeros += other.zeros;
    negativeInfinities += other.negativeInfinities;
    positiveInfinities += other.positiveInfinities;
    count += other.count;
  }

  /** The value at quantile {@code q} in [0, 1], within {@value #ACCURACY} relative error; null when empty. */
  Double quantile(double q) {
    if (count <= 0) {
      return null;
    }
    double rank = q * (count - 1);
    long seen = negativeInfinities;
    if (seen > rank) {
      return Double.NEGATIVE_INFINITY;
    }
    // ascending values: the most negative first (largest index of the negative store)
    for (int i = negative.counts.length - 1; i >= 0; i--) {
      seen += negative.counts[i];
      if (negative.counts[i] != 0 && seen > rank) {
        return -MAPPING.value(negative.offset + i);
      }
    }
    seen += zeros;
    if (seen > rank) {
      return 0.0;
    }
    for (int i = 0; i < positive.counts.length; i++) {
      seen += positive.counts[i];
      if (positive.counts[i] != 0 && seen > rank) {
        return MAPPING.value(positive.offset + i);
      }
    }
    if (seen + positiveInfinities > rank) {
      return Double.POSITIVE_INFINITY;
    }
    throw new IllegalStateException("bucket counts do not add up to " + count);
  }

  /**
   * Compact canonical text: {@code index:count} pairs, positive then negative buckets, then zeros,
   * then the counts of negative and positive infinities only when there are any.
   */
  String encode() {
    String text = positive.encode() + "|" + negative.encode() + "|" + zeros;
    return negativeInfinities == 0 && positiveInfinities == 0 ? text
        : text + "|" + negativeInfinities + "|" + positiveInfinities;
  }

  static QuantileBuckets decode(String text) {
    String[] parts = text.split("\\|", -1);
    if (parts.length != 3 && parts.length != 5) {
      throw new IllegalArgumentException("not quantile buckets: " + text);
    }
    QuantileBuckets b = new QuantileBuckets();
    b.positive.decode(parts[0]);
    b.negative.decode(parts[1]);
    b.zeros = Long.parseLong(parts[2]);
    if (parts.length == 5) {
      b.negativeInfinities = Long.parseLong(parts[3]);
      b.positiveInfinities = Long.parseLong(parts[4]);
    }
    b.count = b.zeros + b.positive.total() + b.negative.total() + b.negativeInfinities + b.positiveInfinities;
    return b;
  }
}
