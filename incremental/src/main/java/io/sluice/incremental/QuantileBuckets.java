package io.sluice.incremental;

import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import java.util.Map;
import java.util.TreeMap;

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

  private final TreeMap<Integer, Long> positive = new TreeMap<>();
  private final TreeMap<Integer, Long> negative = new TreeMap<>();
  private long zeros;
  private long count;

  void add(double v) {
    change(v, 1);
  }

  void remove(double v) {
    change(v, -1);
  }

  private void change(double v, long by) {
    count += by;
    double magnitude = Math.abs(v);
    if (magnitude < MAPPING.minIndexableValue()) {
      zeros += by;
      return;
    }
    TreeMap<Integer, Long> store = v > 0 ? positive : negative;
    store.merge(MAPPING.index(magnitude), by, (a, b) -> a + b == 0 ? null : a + b);
  }

  /** The value at quantile {@code q} in [0, 1], within {@value #ACCURACY} relative error; null when empty. */
  Double quantile(double q) {
    if (count <= 0) {
      return null;
    }
    double rank = q * (count - 1);
    long seen = 0;
    for (Map.Entry<Integer, Long> e : negative.descendingMap().entrySet()) {
      seen += e.getValue();
      if (seen > rank) {
        return -MAPPING.value(e.getKey());
      }
    }
    seen += zeros;
    if (seen > rank) {
      return 0.0;
    }
    for (Map.Entry<Integer, Long> e : positive.entrySet()) {
      seen += e.getValue();
      if (seen > rank) {
        return MAPPING.value(e.getKey());
      }
    }
    throw new IllegalStateException("bucket counts do not add up to " + count);
  }

  /** Compact canonical text: {@code index:count} pairs, positive then negative buckets, then zeros. */
  String encode() {
    return pairs(positive) + "|" + pairs(negative) + "|" + zeros;
  }

  static QuantileBuckets decode(String text) {
    String[] parts = text.split("\\|", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not quantile buckets: " + text);
    }
    QuantileBuckets b = new QuantileBuckets();
    read(parts[0], b.positive);
    read(parts[1], b.negative);
    b.zeros = Long.parseLong(parts[2]);
    b.count = b.zeros + b.positive.values().stream().mapToLong(Long::longValue).sum()
        + b.negative.values().stream().mapToLong(Long::longValue).sum();
    return b;
  }

  private static String pairs(TreeMap<Integer, Long> store) {
    StringBuilder sb = new StringBuilder();
    store.forEach((i, n) -> sb.append(sb.length() == 0 ? "" : ",").append(i).append(':').append(n));
    return sb.toString();
  }

  private static void read(String text, TreeMap<Integer, Long> store) {
    if (text.isEmpty()) {
      return;
    }
    for (String pair : text.split(",")) {
      int colon = pair.indexOf(':');
      store.put(Integer.parseInt(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)));
    }
  }
}
