package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.cli.SluiceMain;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.incremental.MetricRows;
import io.sluice.incremental.MetricsTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query path end to end on real servers: a Hive 4.0.1 metastore and Trino 476 (started once for
 * the class by {@code e2e/stack/stack.sh}), Sluice runs syncing to that metastore over thrift, and
 * SQL through Trino's JDBC driver on the hudi catalog: events, metrics (equal to SQL aggregates row
 * for row, late corrections visible right after the next run) and check results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrinoQueryTest {
  private static final Path ROOT = Path.of(System.getProperty("sluice.repo.root"));
  private static final Path TEMURIN = Path.of(System.getProperty("trino.java.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));

  @TempDir static Path dir;
  private Path run;
  private String metastore;
  private String trino;
  private String spec;
  private Path landing;
  private int file;

  @BeforeAll
  void startStack() throws Exception {
    assumeTrue(Files.isExecutable(TEMURIN.resolve("bin/java")),
        "Trino 476 needs Java 24+; no JDK at " + TEMURIN + " (set -Dtrino.java.home)");
    run = dir.resolve("stack");
    Process p = new ProcessBuilder(ROOT.resolve("e2e/stack/stack.sh").toString(), "start", run.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("stack.sh start: %s", out).isZero();
    Matcher m = Pattern.compile("metastore=(\\S+) trino=http://(\\S+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    metastore = m.group(1);
    trino = m.group(2);
    Path specFile = writeSpec("q", dir.resolve("work"), "", """
        metrics:
          allowed-lateness: 30m
          definitions:
            - {name: by_country, grain: 1h, dimensions: [country], measures: [count, sum(amount)]}
        """);
    spec = specFile.toString();
    landing = landingOf(specFile);
  }

  /** A demo-schema pipeline synced to the stack's metastore and queried through its Trino. */
  private Path writeSpec(String name, Path work, String tableExtra, String extra) throws Exception {
    Path specFile = dir.resolve(name + ".yaml");
    Files.writeString(specFile, """
        name: %s
        work-dir: %s
        source: {format: jsonl, schema: %s}
        table: {%srecord-key: [event_id], ordering-field: updated_at, event-time-field: event_time}
        hive: {metastore-uris: "%s"}
        query: {url: "jdbc:trino://%s/hudi/default", user: sluice}
        """.formatted(name, work, ROOT.resolve("conf/demo.avsc"), tableExtra, metastore, trino) + extra);
    return specFile;
  }

  private static Path landingOf(Path specFile) throws Exception {
    PipelineSpec s = SpecLoader.load(specFile);
    Path landing = Path.of(java.net.URI.create(s.source().landingDir()));
    Files.createDirectories(landing);
    return landing;
  }

  @AfterAll
  void stopStack() throws Exception {
    if (run != null) {
      new ProcessBuilder(ROOT.resolve("e2e/stack/stack.sh").toString(), "stop", run.toString()).inheritIO().start()
          .waitFor(2, TimeUnit.MINUTES);
    }
  }

  private void batch(String day, int fromHour, int toHour, int perHour, String idPrefix) throws Exception {
    deliver(landing, spec, events(day, fromHour, toHour, perHour, idPrefix));
  }

  private String events(String day, int fromHour, int toHour, int perHour, String idPrefix) {
    StringBuilder sb = new StringBuilder();
    for (int h = fromHour; h < toHour; h++) {
      for (int k = 0; k < perHour; k++) {
        long ts = Instant.parse(day + "T00:00:00Z").toEpochMilli() + h * 3_600_000L + k * (3_600_000L / perHour);
        String country = k % 3 == 0 ? "US" : "DE";
        sb.append("{\"event_id\":\"").append(idPrefix).append('-').append(h).append('-').append(k)
            .append("\",\"user_id\":\"u").append(k % 17).append("\",\"event_type\":\"order\",\"country\":\"").append(country)
            .append("\",\"platform\":\"web\",\"amount\":").append(10 + k % 7).append(".5,\"event_time\":").append(ts)
            .append(",\"updated_at\":").append(ts).append("}\n");
      }
    }
    return sb.toString();
  }

  private void deliver(Path into, String specFile, String jsonl) throws Exception {
    Path tmp = into.resolve(".tmp");
    Files.writeString(tmp, jsonl);
    Files.move(tmp, into.resolve(String.format("f-%03d.jsonl", file++)));
    assertThat(SluiceMain.execute("run", "--once", "-p", specFile)).isZero();
  }

  private List<String> rows(String sql) throws Exception {
    Class.forName("io.trino.jdbc.TrinoDriver");
    try (Connection c = DriverManager.getConnection("jdbc:trino://" + trino + "/hudi/default", "sluice", null);
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i == 1 ? "" : "|").append(rs.getString(i));
        }
        out.add(sb.toString());
      }
      return out;
    }
  }

  private static final String SQL_AGGREGATE = "SELECT date_trunc('hour', event_time), country, count(*), sum(amount)"
      + " FROM q_events GROUP BY 1, 2 ORDER BY 1, 2";
  private static final String SLUICE_METRICS = "SELECT window_start, country, \"count\", sum_amount FROM q_metrics"
      + " WHERE metric = 'by_country' ORDER BY 1, 2";

  @Test
  void eventsMetricsAndCheckResultsAreQueryableAndAgreeWithSqlAggregates() throws Exception {
    batch("2024-05-01", 8, 11, 30, "a");
    batch("2024-05-01", 11, 14, 30, "b");
    assertThat(rows("SHOW TABLES")).contains("q_events", "q_metrics", "q_check_results");
    assertThat(rows("SELECT count(*) FROM q_events")).containsExactly("180");
    // Complete windows only: the last hour is still open under the 30-minute lateness.
    List<String> aggregates = rows(SQL_AGGREGATE);
    List<String> metrics = rows(SLUICE_METRICS);
    assertThat(metrics).isNotEmpty().isEqualTo(aggregates);
    // Row for row equal to what Sluice reads from its own table, too.
    PipelineSpec s = SpecLoader.load(Path.of(spec));
    Map<String, Map<String, Object>> own = MetricRows.canonical(new MetricsTable(s, new Configuration()));
    assertThat(own).hasSize(metrics.size());

    // Late data for 09:00: the correction is visible through Trino right after the next run's sync.
    String nineBefore = rows(SLUICE_METRICS).stream().filter(r -> r.startsWith("2024-05-01 09:00:00") && r.contains("|DE|"))
        .findFirst().orElseThrow();
    batch("2024-05-01", 9, 10, 12, "late");
    String nineAfter = rows(SLUICE_METRICS).stream().filter(r -> r.startsWith("2024-05-01 09:00:00") && r.contains("|DE|"))
        .findFirst().orElseThrow();
    assertThat(Long.parseLong(nineAfter.split("\\|")[2])).isEqualTo(Long.parseLong(nineBefore.split("\\|")[2]) + 8);
    assertThat(rows(SLUICE_METRICS)).isEqualTo(rows(SQL_AGGREGATE));
    assertThat(rows("SELECT count(*) FROM q_metrics WHERE late_correction")).doesNotContain("0");

    assertThat(rows("SELECT count(*) FROM q_check_results WHERE \"check\" = 'freshness'")).doesNotContain("0");
    assertThat(rows("SELECT DISTINCT severity FROM q_check_results")).isSubsetOf("ok", "warn", "critical");
  }

  /**
   * A MOR table whose late-data file groups Sluice's inline clustering merged: Trino's read-optimized
   * view must read the clustering's file groups and not the ones it replaced.
   */
  @Test
  void trinoReadsAClusteredMorTableOnce() throws Exception {
    Path work = dir.resolve("work-mor");
    Path specFile = writeSpec("m", work, "type: mor, ", "");
    Path into = landingOf(specFile);
    for (int b = 0; b < 5; b++) {   // the 4th commit plans and runs a clustering
      deliver(into, specFile.toString(), events("2024-04-0" + (1 + b % 2), 8, 10, 5, "m" + b));
    }
    try (var files = Files.walk(work)) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".replacecommit")).count())
          .as("completed clusterings").isOne();
    }
    // the replaced file groups are still on disk (the cleaner keeps them for a while): 2 of 2024-04-01's
    // 4 base files are live, and reading all of them would count 20 events twice
    try (var files = Files.walk(work)) {
      assertThat(files.filter(f -> f.toString().contains("dt=2024-04-01") && f.toString().endsWith(".parquet")).count())
          .isEqualTo(4);
    }
    assertThat(rows("SELECT count(*), count(DISTINCT event_id) FROM m_events_ro")).containsExactly("50|50");
    assertThat(rows("SELECT dt, count(*) FROM m_events_ro GROUP BY 1 ORDER BY 1"))
        .containsExactly("2024-04-01|30", "2024-04-02|20");
  }

  @Test
  void sluiceQueryPrintsCsvAndJson() throws Exception {
    batch("2024-05-02", 8, 10, 6, "c");
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(SluiceMain.execute("query", "-p", spec, "--format", "csv",
          "SELECT country, count(*) AS n FROM q_events WHERE dt = '2024-05-02' GROUP BY 1 ORDER BY 1")).isZero();
      assertThat(buf.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly("country,n", "DE,8", "US,4");
      buf.reset();
      assertThat(SluiceMain.execute("query", "-p", spec, "--format", "json", "SELECT 1 AS one, 'x' AS s")).isZero();
      assertThat(buf.toString(StandardCharsets.UTF_8).strip()).isEqualTo("{\"one\":1,\"s\":\"x\"}");
      buf.reset();
      assertThat(SluiceMain.execute("query", "-p", spec, "SELECT count(*) AS n FROM q_events")).isZero();
      assertThat(buf.toString(StandardCharsets.UTF_8)).contains("(1 row)");
      assertThat(SluiceMain.execute("query", "-p", spec, "SELECT * FROM no_such_table")).isEqualTo(1);
    } finally {
      System.setOut(old);
    }
  }

}
