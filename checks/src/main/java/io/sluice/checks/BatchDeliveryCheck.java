package io.sluice.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.spec.ChecksSpec;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the records were delivered, from the batch statistics each events commit carries and the
 * changed records: duplicate keys within a batch and identical re-deliveries ({@code duplicates}),
 * schema drift in the source ({@code schema_drift}) and records arriving after their window closed
 * ({@code late_arrivals}).
 */
final class BatchDeliveryCheck {
  static final String DUPLICATES = "duplicates";
  static final String DRIFT = "schema_drift";
  static final String LATE = "late_arrivals";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Sums of the batch statistics of several events commits. */
  static final class Delivered {
    long recordsIn;
    long good;
    long quarantined;
    long duplicateKeys;
    final Map<String, Long> drift = new TreeMap<>();

    void add(String statsJson) {
      try {
        JsonNode s = JSON.readTree(statsJson);
        recordsIn += s.path("records_in").asLong();
        good += s.path("good").asLong();
        quarantined += s.path("quarantined").asLong();
        duplicateKeys += s.path("duplicate_keys").asLong();
        s.path("source_drift").fields().forEachRemaining(e -> drift.merge(e.getKey(), e.getValue().asLong(), Long::sum));
      } catch (IOException e) {
        throw new IllegalStateException("unreadable batch statistics in commit metadata: " + statsJson, e);
      }
    }
  }

  void duplicates(CheckContext ctx, String table, Delivered d, long changed, long redelivered) {
    long dups = d.duplicateKeys + redelivered;
    double share = d.good == 0 ? 0 : (double) dups / d.good;
    CheckResult.Finding f = CheckResult.of(DUPLICATES, CheckResult.QUALITY, table)
        .values(share, 0, 0, 0.005).score(Math.min(1, share * 10));
    if (dups == 0) {
      ctx.pass(f, "no duplicate keys among " + Windows.number(d.good) + " delivered records");
      return;
    }
    String what = (d.duplicateKeys > 0 ? Windows.number(d.duplicateKeys) + " records repeat a key of the same batch" : "")
        + (d.duplicateKeys > 0 && redelivered > 0 ? " and " : "")
        + (redelivered > 0 ? Windows.number(redelivered) + " records were re-delivered unchanged" : "");
    if (share <= 0.005) {
      ctx.pass(f, what + " (" + Windows.percent(share) + " of " + Windows.number(d.good) + " delivered): within noise");
      return;
    }
    ctx.emit(f, share > 0.05 ? Severity.CRITICAL : Severity.WARN, "failed", what + " (" + Windows.percent(share)
        + " of " + Windows.number(d.good) + " delivered); upserts kept one version per key, so tables are not"
        + " double-counted, but the source is delivering duplicates");
  }

  void drift(CheckContext ctx, String table, Delivered d) {
    if (d.drift.isEmpty()) {
      ctx.pass(CheckResult.of(DRIFT, CheckResult.QUALITY, table), "source fields match the schema");
      return;
    }
    long material = Math.max(10, d.recordsIn / 100);
    d.drift.forEach((key, n) -> {
      String kind = key.substring(0, key.indexOf(':'));
      String field = key.substring(key.indexOf(':') + 1);
      String text = switch (kind) {
        case "new" -> "the source sends a field '" + field + "' the schema does not know";
        case "missing" -> "the source stopped sending required field '" + field + "'";
        case "ignored" -> "the source sends a field '" + field + "' the schema does not know";
        default -> "the source sends '" + field + "' with a different type than the schema";
      };
      CheckResult.Finding f = CheckResult.of(DRIFT, CheckResult.QUALITY, table).column(field).values(n, 0, 0, material);
      if (kind.equals("ignored")) {
        // allow-unknown-fields kept the records: nothing is lost, but the producer's schema moved on
        ctx.emit(f.score(Math.min(1, (double) n / material)), Severity.WARN, "failed", text + ": " + Windows.number(n)
            + " records carried it and it was dropped (allow-unknown-fields: true); add it to the schema to keep it");
        return;
      }
      if (n < 10 && n < material) {
        ctx.pass(f, n + " record(s) quarantined for field '" + field + "' (" + kind + "): isolated bad records, not drift");
        return;
      }
      ctx.emit(f.score(Math.min(1, (double) n / material)), n >= material ? Severity.CRITICAL : Severity.WARN, "failed",
          text + ": " + Windows.number(n) + " records quarantined (see " + ctx.spec().quarantineTableName()
              + "); update the schema and re-run, or fix the producer");
    });
  }

  void late(CheckContext ctx, String table, long changed, Map<String, Long> lateByDay, long lateCorrections) {
    ChecksSpec.Quality cfg = ctx.spec().checks().quality();
    long late = lateByDay.values().stream().mapToLong(Long::longValue).sum();
    double share = changed == 0 ? 0 : (double) late / changed;
    CheckResult.Finding f = CheckResult.of(LATE, CheckResult.COMPLETENESS, table)
        .values(share, 0, 0, cfg.maxLateShare()).score(Math.min(1, share));
    if (late == 0 || share <= cfg.maxLateShare()) {
      ctx.pass(f, Windows.number(late) + " of " + Windows.number(changed) + " changed records arrived after their"
          + " window closed (" + Windows.percent(share) + ")");
      return;
    }
    StringBuilder days = new StringBuilder();
    lateByDay.forEach((day, n) -> days.append(days.length() == 0 ? "" : ", ").append(day).append(": ")
        .append(Windows.number(n)));
    ctx.emit(f, Severity.WARN, "failed", Windows.percent(share) + " of changed records (" + Windows.number(late)
        + ") arrived after their window closed (" + days + "); " + Windows.number(lateCorrections)
        + " complete metric rows were corrected");
    // A late batch for one day stands out on its own, so its partition can be routed and queried.
    lateByDay.forEach((day, n) -> {
      if (n >= Math.max(20, 0.2 * late)) {
        ctx.emit(CheckResult.of(LATE, CheckResult.COMPLETENESS, table).partition("dt=" + day)
                .values((double) n / changed, 0, 0, cfg.maxLateShare()).score(Math.min(1, (double) n / changed)),
            Severity.WARN, "failed", Windows.number(n) + " records for " + day + " arrived after their windows closed"
                + " (" + Windows.percent((double) n / changed) + " of this run's changed records)");
      }
    });
  }
}
