package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceCliTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everySubcommandHasHelp() {
    for (String cmd : new String[] {"demo", "run", "ingest", "upsert", "incremental", "backfill", "score-records"}) {
      out.reset();
      assertThat(SluiceMain.execute(cmd, "--help")).isZero();
      assertThat(out()).contains("Usage: sluice " + cmd);
    }
    out.reset();
    assertThat(SluiceMain.execute()).isZero();
    assertThat(out()).contains("demo", "run", "ingest", "upsert");
  }

  @Test
  void badSpecFailsWithLocatedMessageAndExitCode1() throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, "name: x\nsource:\n  formt: csv\n");
    assertThat(SluiceMain.execute("run", "--once", "-p", spec.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml:3 at 'source.formt': unknown key 'formt'",
        "did you mean 'format'");
    assertThat(SluiceMain.execute("run", "--once", "--every", "5m", "-p", spec.toString())).isEqualTo(2);
  }

  @Test
  void demoRunsEndToEndAndVerifiesItsTable() throws Exception {
    Path demo = dir.resolve("demo");
    assertThat(SluiceMain.execute("demo", "--dir", demo.toString(), "--batches", "3", "--events-per-batch", "400",
        "--history-days", "2", "--json")).isZero();
    String json = out();
    assertThat(json.lines().filter(l -> !l.isBlank()).count()).as(json.length() > 2000 ? json.substring(0, 2000) : json).isEqualTo(1);
    JsonNode s = new ObjectMapper().readTree(json);
    assertThat(s.get("table_matches_expected").asBoolean()).isTrue();
    long in = s.get("records_in").asLong();
    assertThat(in).isPositive().isEqualTo(s.get("good").asLong() + s.get("quarantined").asLong());
    assertThat(s.get("quarantined").asLong()).isEqualTo(3 * (48 + 3));   // 3 malformed lines per hourly batch
    assertThat(s.get("history_events").asLong()).isPositive();
    assertThat(s.get("check_findings")).isNotNull();
    assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(s.get("report").asText())))
        .contains("<html").contains("Sluice checks: demo");
    assertThat(s.get("commits").asLong()).isEqualTo(3);
    assertThat(s.get("partitions_touched").size()).isGreaterThan(1);   // late events reach older days
    assertThat(s.get("batches")).hasSize(3);
    // a second run recreates the demo dir instead of piling onto it
    out.reset();
    assertThat(SluiceMain.execute("demo", "--dir", demo.toString(), "--batches", "1", "--events-per-batch", "100",
        "--history-days", "0")).isZero();
    assertThat(out()).contains("records in", "table holds exactly the", ": yes");
  }

  @Test
  void stageCommandsIncrementalFullAndBackfillAgree() throws Exception {
    Path demo = dir.resolve("stages");
    assertThat(SluiceMain.execute("demo", "--dir", demo.toString(), "--batches", "2", "--events-per-batch", "300",
        "--history-days", "1")).isZero();
    String spec = demo.resolve("conf/demo.yaml").toString();
    out.reset();
    assertThat(SluiceMain.execute("incremental", "-p", spec, "--json")).isZero();
    assertThat(new ObjectMapper().readTree(out()).get("nothingNew").asBoolean()).isTrue();

    var mt = new io.sluice.incremental.MetricWindowRecompute(io.sluice.core.spec.SpecLoader.load(Path.of(spec)),
        new org.apache.hadoop.conf.Configuration()).metricsTable();
    var before = io.sluice.incremental.MetricRows.canonical(mt);
    out.reset();
    assertThat(SluiceMain.execute("incremental", "-p", spec, "--full")).isZero();
    assertThat(out()).contains("full metrics recompute", "rows: 0 written, 0 deleted");
    assertThat(io.sluice.incremental.MetricRows.canonical(mt)).isEqualTo(before);

    String day = before.values().iterator().next().get("dt").toString();
    out.reset();
    assertThat(SluiceMain.execute("backfill", "-p", spec, "--from", day, "--to", day)).isZero();
    assertThat(out()).contains("[1/1] " + day);
    out.reset();
    assertThat(SluiceMain.execute("backfill", "-p", spec, "--from", day, "--to", day)).isZero();   // idempotent
    assertThat(out()).contains("0 rows written, 0 deleted");
    assertThat(io.sluice.incremental.MetricRows.canonical(mt)).isEqualTo(before);
    assertThat(SluiceMain.execute("backfill", "-p", spec, "--from", "2024-05-02", "--to", "2024-05-01")).isEqualTo(1);

    // checks: nothing new since the demo's last run, so only the freshness gate runs; one JSON finding per line.
    out.reset();
    int rc = SluiceMain.execute("checks", "-p", spec, "--json", "--fail-on", "never");
    assertThat(rc).isZero();
    assertThat(out().lines().filter(l -> !l.isBlank()).map(l -> {
      try {
        return new ObjectMapper().readTree(l).get("check").asText();
      } catch (java.io.IOException e) {
        throw new AssertionError(l, e);
      }
    })).contains("freshness");
    // The demo's events are from yesterday, so against the real clock freshness is critical: exit code 4.
    assertThat(SluiceMain.execute("checks", "-p", spec)).isEqualTo(4);

    Path report = dir.resolve("r.html");
    out.reset();
    assertThat(SluiceMain.execute("report", "-p", spec, "--out", report.toString())).isZero();
    assertThat(out()).contains("report with");
    assertThat(Files.readString(report)).contains("<h2>Findings</h2>", "freshness", "<h2>Record outliers</h2>",
        "alt=\"record score distribution\"");

    // Record outliers: score a day on demand (the model does not learn), then the daily retrain.
    out.reset();
    assertThat(SluiceMain.execute("score-records", "-p", spec, "--from", day, "--to", day, "--min-score", "0",
        "--json")).isZero();
    java.util.List<JsonNode> scored = out().lines().filter(l -> !l.isBlank()).map(l -> {
      try {
        return new ObjectMapper().readTree(l);
      } catch (java.io.IOException e) {
        throw new AssertionError(l, e);
      }
    }).toList();
    long liveThatDay = new io.sluice.upserts.SnapshotReader(io.sluice.upserts.MiniBatch.eventsTable(
        io.sluice.core.spec.SpecLoader.load(Path.of(spec)), new org.apache.hadoop.conf.Configuration()),
        io.sluice.core.spec.EventSchemas.tableSchema(io.sluice.core.spec.EventSchemas.userSchema(
            io.sluice.core.spec.SpecLoader.load(Path.of(spec))), io.sluice.core.spec.SpecLoader.load(Path.of(spec)).table()))
        .read(java.util.List.of("dt=" + day)).size();
    assertThat(scored).hasSize((int) liveThatDay);
    assertThat(scored).allMatch(n -> n.get("score").asDouble() >= 0 && n.get("score").asDouble() <= 1);
    assertThat(scored.get(0).get("why").size()).isPositive();
    out.reset();
    assertThat(SluiceMain.execute("checks", "retrain", "-p", spec, "--json")).isZero();
    JsonNode retrain = new ObjectMapper().readTree(out());
    assertThat(retrain.get("retrained_auc").asDouble()).isBetween(0.5, 1.0);
    assertThat(retrain.get("online_auc").asDouble()).isBetween(0.0, 1.0);
    assertThat(retrain.get("fingerprint").asText()).hasSize(64);

    Path csv = dir.resolve("s.csv");
    StringBuilder series = new StringBuilder("timestamp,value\n");
    for (int i = 0; i < 600; i++) {
      series.append(1_700_000_000_000L + i * 300_000L).append(',').append(i == 500 ? 500 : 10 + i % 7).append('\n');
    }
    Files.writeString(csv, series.toString());
    out.reset();
    assertThat(SluiceMain.execute("score", "--input", csv.toString(), "--output", dir.resolve("o.csv").toString())).isZero();
    assertThat(out()).contains("scored 600 points");
    assertThat(Files.readAllLines(dir.resolve("o.csv")).get(501)).endsWith(",1");
  }

  @Test
  void demoRefusesToWipeADirectoryItDidNotCreate() throws Exception {
    Path mine = dir.resolve("mine");
    Files.createDirectories(mine);
    Files.writeString(mine.resolve("precious.txt"), "keep");
    assertThat(SluiceMain.execute("demo", "--dir", mine.toString())).isEqualTo(1);
    assertThat(mine.resolve("precious.txt")).exists();
  }
}
