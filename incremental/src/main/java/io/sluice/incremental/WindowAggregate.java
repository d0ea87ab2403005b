package io.sluice.incremental;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.spec.Measure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * The measures of one (metric, window, dims) group, accumulated record by record. Quantiles are
 * exact (Commons Math, R-7 interpolation) and sums are exact until written (rounded once), so the
 * result does not depend on the order records arrive in: the incremental and full paths agree.
 *
 * <p>A metric whose measures are all decomposable (count, sum, avg, min, max, nulls) can also be
 * kept by delta: {@link #resume} rebuilds the group from its metrics row and the exact partial state
 * stored with it ({@link #partials()}), then {@link #add} and {@link #remove} apply the changed
 * records. A removal that may take away the minimum or maximum cannot be applied by delta.
 */
final class WindowAggregate {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Map<String, String>>> PARTIALS = new TypeReference<>() {};
  /** Partial-state key of the group's own record count; not a valid Avro field name. */
  private static final String GROUP = "*";

  private final List<Measure> measures;
  private long count;
  /** Exact sums; the numeric measures of one field share one, which only {@code owner} updates. */
  private final ExactSum[] sum;
  /** Whether the measure updates its sum: every non-numeric one (it never adds), and the first numeric one of a field. */
  private final boolean[] owner;
  private final double[] min;
  private final double[] max;
  private final long[] present;
  private final long[] nulls;
  /** Whether the measure's field has a min or max measure; only then are its extremes kept exactly. */
  private final boolean[] extremes;
  /** The first measure of the same field: the record's value is looked up once per field, not per measure. */
  private final int[] firstOfField;
  private final Object[] valueOf;
  private final List<Set<Object>> distinct = new ArrayList<>();
  private final List<List<Double>> values = new ArrayList<>();
  private final List<QuantileBuckets> buckets = new ArrayList<>();

  WindowAggregate(List<Measure> measures) {
    this.measures = measures;
    int n = measures.size();
    sum = new ExactSum[n];
    owner = new boolean[n];
    min = new double[n];
    max = new double[n];
    present = new long[n];
    nulls = new long[n];
    extremes = new boolean[n];
    firstOfField = new int[n];
    valueOf = new Object[n];
    for (int i = 0; i < n; i++) {
      String field = measures.get(i).field();
      firstOfField[i] = field == null ? i : first(measures, field, false);
      extremes[i] = field != null && measures.stream().anyMatch(m -> field.equals(m.field())
          && (m.kind() == Measure.Kind.MIN || m.kind() == Measure.Kind.MAX));
      Measure.Kind kind = measures.get(i).kind();
      int first = kind.numeric ? first(measures, field, true) : i;
      owner[i] = first == i;
      sum[i] = owner[i] ? new ExactSum() : sum[first];
      min[i] = Double.POSITIVE_INFINITY;
      max[i] = Double.NEGATIVE_INFINITY;
      distinct.add(measures.get(i).kind() == Measure.Kind.COUNT_DISTINCT ? new HashSet<>() : null);
      values.add(measures.get(i).kind() == Measure.Kind.PERCENTILE ? new ArrayList<>() : null);
      buckets.add(measures.get(i).kind() == Measure.Kind.APPROX_PERCENTILE ? new QuantileBuckets() : null);
    }
  }

  /** The first measure of {@code field} (only numeric ones if {@code numeric}); one must exist. */
  private static int first(List<Measure> measures, String field, boolean numeric) {
    for (int j = 0; ; j++) {
      if ((!numeric || measures.get(j).kind().numeric) && field.equals(measures.get(j).field())) {
        return j;
      }
    }
  }

  /** True when every measure can be kept by delta from the previous row and the changed records. */
  static boolean decomposable(List<Measure> measures) {
    return measures.stream().allMatch(m -> switch (m.kind()) {
      case COUNT, SUM, AVG, MIN, MAX, NULLS, APPROX_PERCENTILE -> true;
      case COUNT_DISTINCT, PERCENTILE -> false;
    });
  }

  /**
   * The group as its metrics row says, ready for {@link #add} and {@link #remove}; null when the row
   * carries no partial state (written by an older version, or for a metric that is not decomposable).
   */
  static WindowAggregate resume(List<Measure> measures, GenericRecord row) {
    Object text = row.get(MetricsTable.PARTIALS);
    if (text == null) {
      return null;
    }
    Map<String, Map<String, String>> state;
    try {
      state = JSON.readValue(text.toString(), PARTIALS);
    } catch (JsonProcessingException e) {
      return null;
    }
    Map<String, String> group = state.get(GROUP);
    // rows written before the group's record count was kept take it from their count column
    Object n = group != null ? Long.valueOf(group.get("n"))
        : row.getSchema().getField("count") != null ? row.get("count") : null;
    if (!(n instanceof Long)) {
      return null;
    }
    WindowAggregate a = new WindowAggregate(measures);
    a.count = (Long) n;
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      if (m.field() == null) {
        continue;
      }
      Map<String, String> f = state.get(m.field());
      if (f == null) {
        return null;
      }
      a.present[i] = Long.parseLong(f.get("n"));
      a.nulls[i] = a.count - a.present[i];
      ExactSum s = ExactSum.read(f);
      if (s == null) {
        return null;
      }
      a.sum[i].set(s);
      if (a.present[i] > 0 && a.extremes[i]) {
        a.min[i] = Double.parseDouble(f.get("min"));
        a.max[i] = Double.parseDouble(f.get("max"));
      }
      if (a.buckets.get(i) != null) {
        String q = f.get("q");
        if (q == null) {
          return null;
        }
        a.buckets.set(i, QuantileBuckets.decode(q));
      }
    }
    return a;
  }

  void add(Map<String, Object> event) {
    count++;
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      if (m.field() == null) {
        continue;
      }
      Object v = value(event, i);
      if (v == null) {
        nulls[i]++;
        continue;
      }
      present[i]++;
      if (distinct.get(i) != null) {
        distinct.get(i).add(v);
      }
      if (m.kind().numeric) {
        double d = ((Number) v).doubleValue();
        if (owner[i]) {
          sum[i].add(d);
        }
        min[i] = Math.min(min[i], d);
        max[i] = Math.max(max[i], d);
        if (values.get(i) != null) {
          values.get(i).add(d);
        }
        if (buckets.get(i) != null) {
          buckets.get(i).add(d);
        }
      }
    }
  }

  // Called for measures in order, so the field's first measure has already looked its value up.
  private Object value(Map<String, Object> event, int i) {
    Object v = firstOfField[i] == i ? event.get(measures.get(i).field()) : valueOf[firstOfField[i]];
    valueOf[i] = v;
    return v;
  }

  /**
   * Adds the records {@code other} counted, for the same measures and a disjoint set of records: the
   * result equals adding them one by one (sums are exact, the rest does not depend on order).
   * {@code other} must not be used afterwards: its sets may now belong to this group.
   */
  void merge(WindowAggregate other) {
    count += other.count;
    for (int i = 0; i < measures.size(); i++) {
      present[i] += other.present[i];
      nulls[i] += other.nulls[i];
      if (owner[i]) {
        sum[i].add(other.sum[i]);
      }
      min[i] = Math.min(min[i], other.min[i]);
      max[i] = Math.max(max[i], other.max[i]);
      Set<Object> mine = distinct.get(i);
      if (mine != null) {
        // the other group is discarded after the merge: keep the larger set and add the smaller one
        Set<Object> theirs = other.distinct.get(i);
        if (theirs.size() > mine.size()) {
          theirs.addAll(mine);
          distinct.set(i, theirs);
        } else {
          mine.addAll(theirs);
        }
      }
      if (values.get(i) != null) {
        values.get(i).addAll(other.values.get(i));
      }
      if (buckets.get(i) != null) {
        buckets.get(i).merge(other.buckets.get(i));
      }
    }
  }

  /**
   * Takes a record that was counted in the group back out. False, with the group left unusable,
   * when the result cannot be known without the other records: the record held a minimum or maximum
   * of a field that has a min or max measure.
   * Only for groups of a {@link #decomposable} metric.
   */
  boolean remove(Map<String, Object> event) {
    count--;
    boolean known = true;
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      if (m.field() == null) {
        continue;
      }
      Object v = value(event, i);
      if (v == null) {
        nulls[i]--;
        continue;
      }
      present[i]--;
      if (m.kind().numeric) {
        double d = ((Number) v).doubleValue();
        if (owner[i]) {
          sum[i].subtract(d);
        }
        if (buckets.get(i) != null) {
          buckets.get(i).remove(d);
        }
        if (present[i] == 0) {
          min[i] = Double.POSITIVE_INFINITY;
          max[i] = Double.NEGATIVE_INFINITY;
        } else if (extremes[i] && (Double.isNaN(d) || d <= min[i] || d >= max[i])) {
          known = false;
        }
      }
    }
    return known;
  }

  /** No record left: the group's row should go. */
  boolean empty() {
    return count == 0;
  }

  /** Value per measure column; null where no non-null input existed. */
  void writeTo(Map<String, Object> row) {
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      boolean any = present[i] > 0;
      Object v = switch (m.kind()) {
        case COUNT -> count;
        case NULLS -> nulls[i];
        case COUNT_DISTINCT -> (long) distinct.get(i).size();
        case SUM -> any ? sum[i].doubleValue() : null;
        case AVG -> any ? sum[i].doubleValue() / present[i] : null;
        case MIN -> any ? min[i] : null;
        case MAX -> any ? max[i] : null;
        case PERCENTILE -> any ? percentile(values.get(i), m.percentile()) : null;
        case APPROX_PERCENTILE -> any ? buckets.get(i).quantile(m.percentile() / 100.0) : null;
      };
      row.put(m.column(), v);
    }
    if (decomposable(measures)) {
      row.put(MetricsTable.PARTIALS, partials());
    }
  }

  /**
   * The exact state behind the rounded columns: the group's record count under {@code "*"} (no Avro
   * field can have that name) and, per field, non-null count, exact sum, quantile buckets, and min and
   * max when the metric measures them.
   * Canonical text (sorted keys, no trailing zeros), so equal state gives equal text.
   */
  String partials() {
    Map<String, Map<String, String>> state = new TreeMap<>();
    state.put(GROUP, Map.of("n", Long.toString(count)));
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      // every measure of a field sees the same records; a numeric one also tracks sum, min and max
      if (m.field() == null || (state.containsKey(m.field()) && !m.kind().numeric)) {
        continue;
      }
      Map<String, String> f = new TreeMap<>();
      f.put("n", Long.toString(present[i]));
      sum[i].writeTo(f);
      if (present[i] > 0 && extremes[i]) {
        f.put("min", Double.toString(min[i]));
        f.put("max", Double.toString(max[i]));
      }
      Map<String, String> before = state.get(m.field());
      if (buckets.get(i) != null) {
        f.put("q", buckets.get(i).encode());
      } else if (before != null && before.containsKey("q")) {
        f.put("q", before.get("q"));
      }
      state.put(m.field(), f);
    }
    try {
      return JSON.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double percentile(List<Double> xs, int p) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(a, p);
  }
}
