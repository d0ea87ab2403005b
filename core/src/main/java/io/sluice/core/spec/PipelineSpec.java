package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * One pipeline, as loaded from its YAML spec by {@link SpecLoader}. Paths are absolute URIs once
 * loaded; {@code hudi} and {@code hadoop} keys pass through to Hudi's write config and Hadoop's
 * {@code Configuration} unchanged.
 *
 * @param name pipeline name, {@code [a-z][a-z0-9_]*}; prefixes the derived table names
 * @param workDir root for defaults (landing, tables, staging); default {@code ./sluice-work}
 * @param source landing directory and format
 * @param table the events table
 * @param metrics metric definitions; none by default
 * @param checks completeness, quality and anomaly checks; on by default
 * @param hive Hive metastore sync; on by default, with an in-process metastore
 * @param query the Presto/Trino endpoint {@code sluice query} uses; none by default
 * @param security Kerberos login (principal and keytab); none by default
 * @param oozie Oozie scheduling of the rendered workflow, coordinator and backfill bundle
 * @param hudi Hudi write-config keys, e.g. {@code hoodie.cleaner.commits.retained}
 * @param hadoop Hadoop configuration keys, e.g. {@code fs.defaultFS}
 */
public record PipelineSpec(
    @JsonProperty("name") String name,
    @JsonProperty("work-dir") String workDir,
    @JsonProperty("source") SourceSpec source,
    @JsonProperty("table") TableSpec table,
    @JsonProperty("metrics") MetricsSpec metrics,
    @JsonProperty("checks") ChecksSpec checks,
    @JsonProperty("hive") HiveSpec hive,
    @JsonProperty("query") QuerySpec query,
    @JsonProperty("security") SecuritySpec security,
    @JsonProperty("oozie") OozieSpec oozie,
    @JsonProperty("hudi") Map<String, String> hudi,
    @JsonProperty("hadoop") Map<String, String> hadoop) {

  public PipelineSpec {
    metrics = metrics == null ? MetricsSpec.NONE : metrics;
    checks = checks == null ? ChecksSpec.DEFAULTS : checks;
    hive = hive == null ? HiveSpec.DEFAULTS : hive;
    query = query == null ? QuerySpec.NONE : query;
    security = security == null ? SecuritySpec.NONE : security;
    oozie = oozie == null ? OozieSpec.DEFAULTS : oozie;
    hudi = hudi == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(hudi));
    hadoop = hadoop == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(hadoop));
  }

  /** Name of the table holding quarantined records. */
  public String quarantineTableName() {
    return name + "_quarantine";
  }

  /** Base path of the quarantine table, next to the events table. */
  public String quarantineBasePath() {
    return workDir + "/tables/" + quarantineTableName();
  }

  /** Name of the metrics table. */
  public String metricsTableName() {
    return name + "_metrics";
  }

  /** Base path of the metrics table, next to the events table. */
  public String metricsBasePath() {
    return workDir + "/tables/" + metricsTableName();
  }

  /** Name of the check-results table. */
  public String checkResultsTableName() {
    return name + "_check_results";
  }

  /** Base path of the check-results table, next to the events table. */
  public String checkResultsBasePath() {
    return workDir + "/tables/" + checkResultsTableName();
  }

  /** Directory for the checks stage's own state: detector models, open incidents. */
  public String checksStateDir() {
    return workDir + "/checks/" + name;
  }

  /** Directory where an ingested but not yet upserted batch waits for the upsert stage. */
  public String stagingDir() {
    return workDir + "/staging/" + name;
  }
}
