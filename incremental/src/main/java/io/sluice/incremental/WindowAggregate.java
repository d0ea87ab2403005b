package io.sluice.incremental;

import io.sluice.core.spec.Measure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * The measures of one (metric, window, dims) group, accumulated record by record. Quantiles are
 * exact (Commons Math, R-7 interpolation): recompute reads the window's rows anyway, and exact
 * values keep the incremental and full paths identical.
 */
final class WindowAggregate {
  private final List<Measure> measures;
  private long count;
  private final double[] sum;
  private final double[] min;
  private final double[] max;
  private final long[] present;
  private final long[] nulls;
  private final List<Set<Object>> distinct = new ArrayList<>();
  private final List<List<Double>> values = new ArrayList<>();

  WindowAggregate(List<Measure> measures) {
    this.measures = measures;
    int n = measures.size();
    sum = new double[n];
    min = new double[n];
    max = new double[n];
    present = new long[n];
    nulls = new long[n];
    for (int i = 0; i < n; i++) {
      min[i] = Double.POSITIVE_INFINITY;
      max[i] = Double.NEGATIVE_INFINITY;
      distinct.add(measures.get(i).kind() == Measure.Kind.COUNT_DISTINCT ? new HashSet<>() : null);
      values.add(measures.get(i).kind() == Measure.Kind.PERCENTILE ? new ArrayList<>() : null);
    }
  }

  void add(Map<String, Object> event) {
    count++;
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      if (m.field() == null) {
        continue;
      }
      Object v = event.get(m.field());
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
        sum[i] += d;
        min[i] = Math.min(min[i], d);
        max[i] = Math.max(max[i], d);
        if (values.get(i) != null) {
          values.get(i).add(d);
        }
      }
    }
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
        case SUM -> any ? sum[i] : null;
        case AVG -> any ? sum[i] / present[i] : null;
        case MIN -> any ? min[i] : null;
        case MAX -> any ? max[i] : null;
        case PERCENTILE -> any ? percentile(values.get(i), m.percentile()) : null;
      };
      row.put(m.column(), v);
    }
  }

  private static double percentile(List<Double> xs, int p) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(a, p);
  }
}
