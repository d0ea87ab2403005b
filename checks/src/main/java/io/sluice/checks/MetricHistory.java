package io.sluice.checks;

import io.sluice.core.spec.Measure;
import io.sluice.core.spec.MetricSpec;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.incremental.MetricsTable;
import io.sluice.incremental.RecordView;
import io.sluice.upserts.SnapshotReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metrics table's rows for a range of days, indexed by metric, dimension key and window start:
 * the history that baselines and series models are built from.
 */
public final class MetricHistory {
  private final Map<String, Map<String, NavigableMap<Long, Map<String, Object>>>> rows = new HashMap<>();
  private final Map<String, MetricSpec> metrics = new HashMap<>();
  private long rowsRead;

  /** Loads the days {@code from..to} (inclusive) of the metrics table. */
  public static MetricHistory load(PipelineSpec spec, MetricsTable table, LocalDate from, LocalDate to) {
    MetricHistory h = new MetricHistory();
    spec.metrics().definitions().forEach(m -> h.metrics.put(m.name(), m));
    if (!table.table().exists()) {
      return h;
    }
    SnapshotReader reader = new SnapshotReader(table.table(), table.schema());
    Set<String> existing = Set.copyOf(reader.partitions());
    List<String> partitions = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      String p = "dt=" + d;
      if (existing.contains(p)) {
        partitions.add(p);
      }
    }
    reader.forEach(partitions, r -> {
      Map<String, Object> row = new HashMap<>(new RecordView(r));
      h.rows.computeIfAbsent((String) row.get("metric"), k -> new HashMap<>())
          .computeIfAbsent((String) row.get("dims"), k -> new TreeMap<>())
          .put((Long) row.get("window_start"), row);
      h.rowsRead++;
    });
    return h;
  }

  public long rowsRead() {
    return rowsRead;
  }

  public MetricSpec metric(String name) {
    return metrics.get(name);
  }

  /** Dimension keys seen for {@code metric}. */
  public Set<String> dims(String metric) {
    return rows.getOrDefault(metric, Map.of()).keySet();
  }

  /** The rows of one series by window start; empty when unknown. */
  public NavigableMap<Long, Map<String, Object>> series(String metric, String dims) {
    return rows.getOrDefault(metric, Map.of()).getOrDefault(dims, new TreeMap<>());
  }

  /** Sum of a measure over all dimension values, per window (windows with no rows are absent). */
  public NavigableMap<Long, Double> total(String metric, String column) {
    NavigableMap<Long, Double> out = new TreeMap<>();
    for (NavigableMap<Long, Map<String, Object>> s : rows.getOrDefault(metric, Map.of()).values()) {
      s.forEach((w, row) -> {
        Object v = row.get(column);
        if (v instanceof Number n) {
          out.merge(w, n.doubleValue(), Double::sum);
        }
      });
    }
    return out;
  }

  /**
   * Where the series' history really begins: the first UTC day carrying at least a quarter of the
   * median daily total. Late stragglers before the stream started do not make a baseline.
   */
  public static long establishedStart(NavigableMap<Long, Double> totals) {
    if (totals.isEmpty()) {
      return Long.MAX_VALUE;
    }
    NavigableMap<Long, Double> daily = new TreeMap<>();
    totals.forEach((w, v) -> daily.merge(Math.floorDiv(w, 86_400_000L) * 86_400_000L, v, Double::sum));
    double[] v = daily.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = v[v.length / 2];
    for (Map.Entry<Long, Double> d : daily.entrySet()) {
      if (d.getValue() >= 0.25 * median) {
        return Math.max(d.getKey(), totals.firstKey());
      }
    }
    return totals.firstKey();
  }

  /** Whether the window's rows say it is complete: the watermark has passed its end. */
  public boolean complete(String metric, long window) {
    for (NavigableMap<Long, Map<String, Object>> s : rows.getOrDefault(metric, Map.of()).values()) {
      Map<String, Object> row = s.get(window);
      if (row != null) {
        return Boolean.TRUE.equals(row.get("is_complete"));
      }
    }
    return false;
  }

  /** The first {@code count} measure column of a metric, or null. */
  public static String countColumn(MetricSpec m) {
    for (Measure ms : m.parsedMeasures()) {
      if (ms.kind() == Measure.Kind.COUNT) {
        return ms.column();
      }
    }
    return null;
  }
}
