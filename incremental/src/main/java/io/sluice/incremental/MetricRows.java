package io.sluice.incremental;

import io.sluice.upserts.SnapshotReader;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Metric rows in a canonical form for comparing two metrics tables (e.g. the incrementally kept one
 * against a full recompute): keyed by metric, window and dims, without the bookkeeping columns that
 * record how a row got there, and doubles rounded to 1e-6 where that is exact enough to compare
 * (NaN, infinities and magnitudes of 1e12 or more are kept as they are).
 */
public final class MetricRows {
  private static final Set<String> BOOKKEEPING = Set.of("revision", "computed_at", "source_instant", "late_correction");

  private MetricRows() {}

  public static Map<String, Map<String, Object>> canonical(MetricsTable t) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (GenericRecord r : new SnapshotReader(t.table(), t.schema()).read(null)) {
      Map<String, Object> row = new TreeMap<>();
      for (Schema.Field f : t.schema().getFields()) {
        if (!BOOKKEEPING.contains(f.name())) {
          Object v = r.get(f.name());
          row.put(f.name(), v instanceof Double d ? canonical(d)
              : v == null || v instanceof Long || v instanceof Boolean ? v : v.toString());
        }
      }
      String key = r.get("metric") + "|" + r.get("window_start") + "|" + r.get("dims");
      if (out.put(key, row) != null) {
        throw new IllegalStateException("duplicate metric row " + key + " in " + t.table().layout().name());
      }
    }
    return out;
  }

  private static double canonical(double d) {
    return Double.isFinite(d) && Math.abs(d) < 1e12 ? Math.round(d * 1e6) / 1e6 : d;
  }
}
