package io.sluice.checks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * What one checks run found.
 *
 * @param runId the run, named after the events instant checked up to
 * @param nothingNew no new metrics or events since the last run: only the freshness gate ran
 * @param results every finding, passed ones included
 * @param series the metric series the anomaly check scored, for reports
 * @param records what record scoring saw this run (score histogram, top records), or null
 * @param alertsSent alerts delivered (after throttling), per sink
 * @param resultsInstant the check-results commit, or null if nothing was written
 * @param stageMillis timings
 */
public record ChecksReport(String runId, boolean nothingNew, List<CheckResult> results,
                           @JsonIgnore List<MetricAnomalyCheck.ScoredSeries> series,
                           @JsonIgnore io.sluice.checks.records.RecordOutlierCheck.Summary records,
                           Map<String, Integer> alertsSent,
                           String resultsInstant, Map<String, Long> stageMillis) {

  public long count(Severity s) {
    return results.stream().filter(r -> r.level() == s && !"skipped".equals(r.status())).count();
  }

  /** Findings that failed at warn or above, worst first. */
  @JsonIgnore
  public List<CheckResult> failures() {
    return results.stream().filter(r -> "failed".equals(r.status()) && r.level().atLeast(Severity.WARN))
        .sorted(java.util.Comparator.comparing(CheckResult::level).reversed()).toList();
  }

  /** The worst severity found: decides the exit code of {@code sluice checks}. */
  @JsonIgnore
  public Severity worst() {
    return results.stream().map(CheckResult::level).max(Enum::compareTo).orElse(Severity.OK);
  }
}
