package io.sluice.checks.records;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * How an event becomes a feature vector for the forest, fitted once on a sample and then fixed.
 * Numeric columns are {@code asinh}-compressed and robust-scaled (median, MAD) with stretched tails,
 * plus a missing flag; categorical columns are one-hot over their most frequent levels plus an
 * "other" level; one feature says how much rarer than independence predicts the record's most
 * under-represented pair of discrete values is (categorical levels and numeric presence), which is
 * what makes impossible combinations stand out; optional features are the entity's records in the
 * same hour and the time of day. Immutable and serialisable with Jackson.
 */
public final class RecordFeatures {
  /** Categorical levels kept one-hot; the rest share the "other" level. */
  static final int MAX_LEVELS = 12;
  static final String NULL_LEVEL = "<null>";
  private static final double MIN_SCALE = 0.05;
  /** Weights set how often the forest cuts on a feature: an impossible pair is strong evidence... */
  static final double RARITY_WEIGHT = 3;
  /** ... while the hour of day rarely isolates a record on its own. */
  static final double TIME_WEIGHT = 0.5;
  static final double TAIL = 3;
  static final double TAIL_STRETCH = 3;

  /** A numeric column's centre and scale on the {@code asinh} scale. */
  public record Numeric(@JsonProperty("column") String column, @JsonProperty("center") double center,
                        @JsonProperty("scale") double scale) {}

  /** A categorical column and its one-hot levels, most frequent first. */
  public record Categorical(@JsonProperty("column") String column, @JsonProperty("levels") List<String> levels) {
    int level(Object v) {
      int i = levels.indexOf(v == null ? NULL_LEVEL : v.toString());
      return i < 0 ? levels.size() : i;
    }
  }

  /** A fitted robust scale: {@code (x - center) / scale}. */
  public record Scale(@JsonProperty("center") double center, @JsonProperty("scale") double scale) {
    double apply(double x) {
      return (x - center) / scale;
    }

    static Scale fit(double[] xs) {
      if (xs.length == 0) {
        return new Scale(0, 1);
      }
      double med = new Median().evaluate(xs);
      double[] dev = Arrays.stream(xs).map(x -> Math.abs(x - med)).toArray();
      return new Scale(med, Math.max(MIN_SCALE, 1.4826 * new Median().evaluate(dev)));
    }
  }

  private final List<Numeric> numeric;
  private final List<Categorical> categorical;
  private final String entity;
  private final boolean timeOfDay;
  private final Map<Long, Long> pairCounts;
  private final long sampleSize;
  private final Scale entityRate;
  private final List<String> names;
  private final List<String> sources;

  @JsonCreator
  RecordFeatures(@JsonProperty("numeric") List<Numeric> numeric,
                 @JsonProperty("categorical") List<Categorical> categorical,
                 @JsonProperty("entity") String entity, @JsonProperty("time_of_day") boolean timeOfDay,
                 @JsonProperty("pair_counts") Map<Long, Long> pairCounts,
                 @JsonProperty("sample_size") long sampleSize, @JsonProperty("entity_rate") Scale entityRate) {
    this.numeric = List.copyOf(numeric);
    this.categorical = List.copyOf(categorical);
    this.entity = entity;
    this.timeOfDay = timeOfDay;
    this.pairCounts = new TreeMap<>(pairCounts);
    this.sampleSize = sampleSize;
    this.entityRate = entityRate;
    List<String> n = new ArrayList<>();
    List<String> src = new ArrayList<>();
    for (Numeric c : this.numeric) {
      n.add(c.column());
      src.add(c.column());
      n.add(c.column() + " is null");
      src.add(c.column());
    }
    for (Categorical c : this.categorical) {
      for (String l : c.levels()) {
        n.add(c.column() + "=" + l);
        src.add(c.column());
      }
      n.add(c.column() + "=<other>");
      src.add(c.column());
    }
    n.add("value combination");
    src.add("value combination");
    if (entity != null) {
      n.add(entity + " records per hour");
      src.add(entity + " records per hour");
    }
    if (timeOfDay) {
      n.add("hour (sin)");
      src.add("time of day");
      n.add("hour (cos)");
      src.add("time of day");
    }
    this.names = List.copyOf(n);
    this.sources = List.copyOf(src);
  }

  /** What to fit: the feature columns and the event-time and entity columns. */
  public record Columns(List<String> numeric, List<String> categorical, String entity, String eventTime,
                        boolean timeOfDay) {}

  /**
   * Fits the encodings on {@code sample}; {@code entityCounts} gives each record's entity count in its
   * hour over the full data the sample came from (a sample would undercount it).
   */
  public static RecordFeatures fit(Columns cols, List<? extends Map<String, Object>> sample,
                                   ToLongFunction<Map<String, Object>> entityCounts) {
    List<Numeric> num = new ArrayList<>();
    for (String c : cols.numeric()) {
      double[] xs = sample.stream().map(r -> r.get(c)).filter(v -> v instanceof Number)
          .mapToDouble(v -> asinh(((Number) v).doubleValue())).toArray();
      Scale s = Scale.fit(xs);
      num.add(new Numeric(c, s.center(), s.scale()));
    }
    List<Categorical> cat = new ArrayList<>();
    for (String c : cols.categorical()) {
      Map<String, Long> freq = new HashMap<>();
      sample.forEach(r -> freq.merge(level(r.get(c)), 1L, Long::sum));
      List<Map.Entry<String, Long>> top = freq.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(MAX_LEVELS).toList();
      // An identifier-like column (top levels cover under half the records) says nothing per value.
      if (top.stream().mapToLong(Map.Entry::getValue).sum() * 2 >= sample.size()) {
        cat.add(new Categorical(c, top.stream().map(Map.Entry::getKey).toList()));
      }
    }
    RecordFeatures unfitted = new RecordFeatures(num, cat, cols.entity(), cols.timeOfDay(), Map.of(), 0,
        new Scale(0, 1));
    // Counts of each discrete level (key with j = 255) and of each pair of levels.
    Map<Long, Long> counts = new HashMap<>();
    for (Map<String, Object> r : sample) {
      int[] d = unfitted.discrete(r);
      for (int i = 0; i < d.length; i++) {
        counts.merge(pairKey(i, 255, d[i], 0), 1L, Long::sum);
        for (int j = i + 1; j < d.length; j++) {
          counts.merge(pairKey(i, j, d[i], d[j]), 1L, Long::sum);
        }
      }
    }
    Scale rate = Scale.fit(cols.entity() == null ? new double[0]
        : sample.stream().mapToDouble(r -> Math.log1p(entityCounts.applyAsLong(r))).toArray());
    return new RecordFeatures(num, cat, cols.entity(), cols.timeOfDay(), counts, sample.size(), rate);
  }

  /** The feature vector of {@code r}; {@code entityCount} is its entity's records in the same hour. */
  public double[] vector(Map<String, Object> r, long entityCount, long eventTimeMillis) {
    double[] v = new double[names.size()];
    int k = 0;
    for (Numeric c : numeric) {
      Object x = r.get(c.column());
      boolean missing = !(x instanceof Number);
      v[k++] = missing ? 0 : stretchTail((asinh(((Number) x).doubleValue()) - c.center()) / c.scale());
      v[k++] = missing ? 1 : 0;
    }
    for (Categorical c : categorical) {
      // One-hot levels share a unit range, so a many-valued column does not draw most random cuts.
      v[k + c.level(r.get(c.column()))] = 1.0 / (c.levels().size() + 1);
      k += c.levels().size() + 1;
    }
    v[k++] = RARITY_WEIGHT * rarity(r);
    if (entity != null) {
      v[k++] = entityRate.apply(Math.log1p(entityCount));
    }
    if (timeOfDay) {
      double a = 2 * Math.PI * Math.floorMod(eventTimeMillis, 86_400_000L) / 86_400_000.0;
      v[k++] = TIME_WEIGHT * Math.sin(a);
      v[k] = TIME_WEIGHT * Math.cos(a);
    }
    return v;
  }

  /** Feature names, one per dimension. */
  public List<String> names() {
    return names;
  }

  /** The column (or derived feature) each dimension comes from, for explanations. */
  public List<String> sources() {
    return sources;
  }

  public int dimensions() {
    return names.size();
  }

  /** Per source column, the summed share of {@code perDimension}, largest first. */
  public Map<String, Double> bySource(double[] perDimension) {
    Map<String, Double> m = new LinkedHashMap<>();
    double total = Arrays.stream(perDimension).sum();
    for (int i = 0; i < perDimension.length; i++) {
      m.merge(sources.get(i), total > 0 ? perDimension[i] / total : 0, Double::sum);
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    m.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Levels of the discrete attributes: categorical levels, then numeric presence. */
  private int[] discrete(Map<String, Object> r) {
    int[] d = new int[categorical.size() + numeric.size()];
    int k = 0;
    for (Categorical c : categorical) {
      d[k++] = c.level(r.get(c.column()));
    }
    for (Numeric c : numeric) {
      d[k++] = r.get(c.column()) instanceof Number ? 1 : 0;
    }
    return d;
  }

  /**
   * How much rarer the record's most under-represented pair of discrete values is than independence
   * predicts, in nats: about 0 for common and for rare-but-expected pairs, large for pairs that
   * should be frequent but never occur together.
   */
  private double rarity(Map<String, Object> r) {
    int[] d = discrete(r);
    double max = 0;
    for (int i = 0; i < d.length; i++) {
      for (int j = i + 1; j < d.length; j++) {
        double expected = (double) pairCounts.getOrDefault(pairKey(i, 255, d[i], 0), 0L)
            * pairCounts.getOrDefault(pairKey(j, 255, d[j], 0), 0L) / Math.max(1, sampleSize);
        long seen = pairCounts.getOrDefault(pairKey(i, j, d[i], d[j]), 0L);
        max = Math.max(max, Math.log((expected + 0.5) / (seen + 0.5)));
      }
    }
    return max;
  }

  private static long pairKey(int i, int j, int a, int b) {
    return (((long) i * 256 + j) * 256 + a) * 256 + b;
  }

  private static String level(Object v) {
    return v == null ? NULL_LEVEL : v.toString();
  }

  /**
   * Beyond {@link #TAIL} robust deviations, distances grow {@link #TAIL_STRETCH} times faster: the
   * forest picks a dimension for a cut in proportion to its range, so a value far outside the normal
   * range should widen it a lot, not a little, while normal values are left as they are.
   */
  static double stretchTail(double z) {
    double a = Math.abs(z);
    return a <= TAIL ? z : Math.copySign(TAIL + (a - TAIL) * TAIL_STRETCH, z);
  }

  static double asinh(double x) {
    double a = Math.abs(x);
    return Math.copySign(Math.log(a + Math.sqrt(a * a + 1)), x);
  }

  @JsonProperty("numeric")
  List<Numeric> numeric() {
    return numeric;
  }

  @JsonProperty("categorical")
  List<Categorical> categorical() {
    return categorical;
  }

  @JsonProperty("entity")
  public String entity() {
    return entity;
  }

  @JsonProperty("time_of_day")
  boolean timeOfDay() {
    return timeOfDay;
  }

  @JsonProperty("pair_counts")
  Map<Long, Long> pairCounts() {
    return pairCounts;
  }

  @JsonProperty("sample_size")
  long sampleSize() {
    return sampleSize;
  }

  @JsonProperty("entity_rate")
  Scale entityRate() {
    return entityRate;
  }
}
