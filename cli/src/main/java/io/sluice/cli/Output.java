package io.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.upserts.BatchReport;
import java.io.PrintStream;
import java.util.Map;

/** Renders results for people (aligned text) or scripts (one JSON document per line). */
final class Output {
  static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Output() {}

  static void json(PrintStream out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void batch(PrintStream out, BatchReport r) {
    if (r.nothingNew()) {
      out.printf("%s: nothing new in the landing dir%n", r.pipeline());
      return;
    }
    if (r.alreadyCommitted()) {
      out.printf("%s: batch was already committed; nothing redone%n", r.pipeline());
      return;
    }
    out.printf("%s: commit %s%n", r.pipeline(), r.eventsInstant());
    out.printf("  files %d (%s), records in %d = good %d + quarantined %d%n", r.files(), bytes(r.bytes()),
        r.recordsIn(), r.good(), r.quarantined());
    out.printf("  written: %d inserts, %d updates, %d deletes into %d partitions%s%n", r.inserts(), r.updates(),
        r.deletedKeys(), r.partitions().size(), r.backlogFiles() > 0 ? "; backlog " + r.backlogFiles() + " files" : "");
    out.printf("  time: %s%n", millis(r.stageMillis()));
  }

  static void recompute(PrintStream out, String pipeline, io.sluice.incremental.RecomputeReport r) {
    if (r.nothingNew()) {
      out.printf("%s: metrics up to date (events instant %s)%n", pipeline, r.until());
      return;
    }
    out.printf("%s: %s metrics recompute, events (%s, %s] -> commit %s%n", pipeline, r.full() ? "full" : "incremental",
        r.since(), r.until(), r.metricsInstant());
    out.printf("  %d changed keys (%d file groups, %s read); %d windows recomputed (%d by delta, the rest from %d records"
        + " in %d partitions)%n", r.changes(), r.scan().fileGroups(), bytes(r.scan().bytesRead()), r.windows(),
        r.deltaWindows(), r.snapshotRecords(), r.partitionsRead());
    out.printf("  rows: %d written, %d deleted; late corrections %d; time: %s%n", r.rowsWritten(), r.rowsDeleted(),
        r.lateCorrections(), millis(r.stageMillis()));
  }

  static void checks(PrintStream out, String pipeline, io.sluice.checks.ChecksReport r) {
    out.printf("%s: checks run %s: %d findings, %d critical, %d warn%s%n", pipeline, r.runId(), r.results().size(),
        r.count(io.sluice.checks.Severity.CRITICAL), r.count(io.sluice.checks.Severity.WARN),
        r.nothingNew() ? " (nothing new: freshness gate only)" : "");
    for (io.sluice.checks.CheckResult f : r.failures()) {
      out.printf("  %-8s %-18s %s%n", f.severity().toUpperCase(java.util.Locale.ROOT), f.check(), f.message());
    }
    if (!r.alertsSent().isEmpty()) {
      out.printf("  alerts sent: %s%n", r.alertsSent());
    }
  }

  static void sync(PrintStream out, String pipeline, io.sluice.hive.MetastoreSync.Report r) {
    out.printf("%s: metastore sync of %d tables in %d ms%s%n", pipeline, r.tables().size(), r.millis(),
        r.ok() ? "" : "; FAILED (data is committed; retried next run): " + r.failed());
    r.tables().forEach((t, err) -> {
      if (err != null) {
        out.printf("  %s: %s%n", t, err);
      }
    });
  }

  static String millis(Map<String, Long> ms) {
    StringBuilder sb = new StringBuilder();
    ms.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v).append(" ms"));
    return sb.toString();
  }

  static String bytes(long b) {
    if (b >= 1 << 30) return String.format("%.1f GiB", b / (double) (1 << 30));
    if (b >= 1 << 20) return String.format("%.1f MiB", b / (double) (1 << 20));
    if (b >= 1 << 10) return String.format("%.1f KiB", b / 1024.0);
    return b + " B";
  }
}
