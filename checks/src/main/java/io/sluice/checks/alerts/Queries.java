package io.sluice.checks.alerts;

import io.sluice.checks.CheckResult;
import io.sluice.core.spec.PipelineSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** SQL (Presto/Trino and Hive dialect) that pulls the rows behind a finding. */
public final class Queries {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Queries() {}

  public static String forFinding(PipelineSpec spec, CheckResult f) {
    String events = spec.table().name();
    String metrics = spec.metricsTableName();
    String day = f.partition() != null && f.partition().startsWith("dt=") ? f.partition().substring(3) : null;
    String col = f.column();
    return switch (f.check()) {
      case "freshness" -> "SELECT max(" + spec.table().eventTimeField() + ") AS newest_event, max(_ingested_at) AS"
          + " newest_arrival FROM " + events;
      case "volume", "missing_window", "segment" -> "SELECT window_start, dims, count FROM " + metrics
          + " WHERE metric = " + quote(f.metric()) + window(f, 7) + " ORDER BY window_start, dims";
      case "metric_anomaly" -> "SELECT window_start, " + col + ", revision, late_correction FROM " + metrics
          + " WHERE metric = " + quote(f.metric()) + " AND dims = " + quote(f.dims()) + window(f, 7)
          + " ORDER BY window_start";
      case "null_rate" -> "SELECT * FROM " + events + dayFilter(day) + " AND " + col + " IS NULL LIMIT 100";
      case "zero_rate" -> "SELECT * FROM " + events + dayFilter(day) + " AND " + col + " = 0 LIMIT 100";
      case "unit_change", "distribution_shift", "value_range" -> "SELECT dt, count(*) AS n, approx_percentile(" + col
          + ", 0.5) AS median, min(" + col + ") AS min, max(" + col + ") AS max FROM " + events
          + " GROUP BY dt ORDER BY dt DESC LIMIT 30";
      case "schema_drift" -> "SELECT source_file, line, error, raw FROM " + spec.quarantineTableName()
          + " WHERE error LIKE " + quote("%" + (col == null ? "" : col) + "%") + " ORDER BY ingested_at DESC LIMIT 100";
      case "duplicates" -> "SELECT _source_file, count(*) AS n, min(_ingested_at) AS arrived FROM " + events
          + " GROUP BY _source_file ORDER BY arrived DESC LIMIT 50";
      case "late_arrivals" -> "SELECT dt, count(*) AS n, max(_ingested_at) AS arrived FROM " + events
          + dayFilter(day) + " GROUP BY dt";
      default -> "SELECT * FROM " + spec.checkResultsTableName() + " WHERE run_id = " + quote(f.runId());
    };
  }

  private static String window(CheckResult f, int days) {
    if (f.windowStart() == null) {
      return "";
    }
    Instant w = Instant.ofEpochMilli(f.windowStart());
    return " AND window_start BETWEEN TIMESTAMP '" + TS.format(w.minusSeconds(days * 86_400L)) + "' AND TIMESTAMP '"
        + TS.format(w) + "'";
  }

  private static String dayFilter(String day) {
    return day == null ? " WHERE true" : " WHERE dt = " + quote(day);
  }

  private static String quote(String s) {
    return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
  }
}
