package io.sluice.checks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One finding: a row of {@code <pipeline>_check_results}. Numbers that do not apply are NaN
 * (null in the table and in JSON); text that does not apply is null.
 *
 * @param runId the checks run, named after the events instant it checked up to
 * @param check check name, e.g. {@code volume}, {@code null_rate}, {@code metric_anomaly}
 * @param kind {@code completeness}, {@code quality} or {@code anomaly}
 * @param tableName table the finding is about
 * @param partition Hudi partition path, e.g. {@code dt=2026-11-20}, or null
 * @param windowStart start of the window in epoch millis, or null
 * @param windowEnd end of the window in epoch millis, or null
 * @param metric metric name, or null
 * @param dims dimension key as in the metrics table, or null
 * @param column column name for per-column checks, or null
 * @param observed what was seen
 * @param expected what history says it should be
 * @param lower lower bound of normal
 * @param upper upper bound of normal
 * @param score anomaly score or strength of evidence in [0, 1]
 * @param severity ok, warn or critical
 * @param status {@code passed}, {@code failed} or {@code skipped} (a failed gate skips heavier checks)
 * @param message a sentence a person can act on
 * @param evaluatedAt when the check ran, epoch millis
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckResult(
    @JsonProperty("run_id") String runId,
    @JsonProperty("check") String check,
    @JsonProperty("kind") String kind,
    @JsonProperty("table_name") String tableName,
    @JsonProperty("partition") String partition,
    @JsonProperty("window_start") Long windowStart,
    @JsonProperty("window_end") Long windowEnd,
    @JsonProperty("metric") String metric,
    @JsonProperty("dims") String dims,
    @JsonProperty("column_name") String column,
    @JsonProperty("observed") Double observed,
    @JsonProperty("expected") Double expected,
    @JsonProperty("lower") Double lower,
    @JsonProperty("upper") Double upper,
    @JsonProperty("score") Double score,
    @JsonProperty("severity") String severity,
    @JsonProperty("status") String status,
    @JsonProperty("message") String message,
    @JsonProperty("evaluated_at") long evaluatedAt) {

  public static final String COMPLETENESS = "completeness";
  public static final String QUALITY = "quality";
  public static final String ANOMALY = "anomaly";

  public Severity level() {
    return Severity.of(severity);
  }

  /** Stable key within a run: rerunning the same run overwrites rather than duplicates. */
  public String resultId() {
    return String.join("|", runId, check, tableName, String.valueOf(windowStart), n(metric), n(dims), n(column),
        n(partition));
  }

  /** What identifies the same problem across runs: an open incident. */
  public String incidentKey() {
    return String.join("|", check, tableName, n(metric), n(dims), n(column));
  }

  private static String n(String s) {
    return s == null ? "" : s;
  }

  /** Builder-style start for a finding; see {@link Finding}. */
  public static Finding of(String check, String kind, String table) {
    return new Finding(check, kind, table);
  }

  /** Fluent builder of a {@link CheckResult}; unset numbers stay NaN. */
  public static final class Finding {
    private final String check;
    private final String kind;
    private final String table;
    private String partition;
    private Long windowStart;
    private Long windowEnd;
    private String metric;
    private String dims;
    private String column;
    private double observed = Double.NaN;
    private double expected = Double.NaN;
    private double lower = Double.NaN;
    private double upper = Double.NaN;
    private double score = Double.NaN;

    private Finding(String check, String kind, String table) {
      this.check = check;
      this.kind = kind;
      this.table = table;
    }

    public Finding partition(String p) {
      this.partition = p;
      return this;
    }

    public Finding window(long start, long end) {
      this.windowStart = start;
      this.windowEnd = end;
      return this;
    }

    public Finding series(String metricName, String dimsKey) {
      this.metric = metricName;
      this.dims = dimsKey;
      return this;
    }

    public Finding column(String c) {
      this.column = c;
      return this;
    }

    public Finding values(double observedValue, double expectedValue, double lowerBound, double upperBound) {
      this.observed = observedValue;
      this.expected = expectedValue;
      this.lower = lowerBound;
      this.upper = upperBound;
      return this;
    }

    public Finding score(double s) {
      this.score = s;
      return this;
    }

    public CheckResult build(String runId, Severity severity, String status, String message, long evaluatedAt) {
      return new CheckResult(runId, check, kind, table, partition, windowStart, windowEnd, metric, dims, column,
          nan(observed), nan(expected), nan(lower), nan(upper), nan(score), severity.label(), status, message,
          evaluatedAt);
    }

    private static Double nan(double d) {
      return Double.isNaN(d) ? null : d;
    }
  }
}
