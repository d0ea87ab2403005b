package io.sluice.checks.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.checks.CheckResult;
import java.util.List;

/**
 * One alert: the findings of one open incident in one run, grouped, with what a person needs to act:
 * the worst severity, a title, and a SQL query that pulls the rows behind it.
 *
 * @param pipeline pipeline name
 * @param incident what identifies the problem across runs (check, table, metric, dims, column)
 * @param severity worst severity among the findings
 * @param title one line
 * @param findings the findings, each with observed, expected and bounds
 * @param history the incident's earlier findings, newest first, for context
 * @param sql a query over the pipeline's tables that shows the offending rows
 */
public record Alert(@JsonProperty("pipeline") String pipeline, @JsonProperty("incident") String incident,
                    @JsonProperty("severity") String severity, @JsonProperty("title") String title,
                    @JsonProperty("findings") List<CheckResult> findings,
                    @JsonProperty("history") List<String> history, @JsonProperty("sql") String sql) {}
