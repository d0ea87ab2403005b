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
    for (String cmd : new String[] {"demo", "run", "ingest", "upsert", "incremental", "backfill"}) {
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
    assertThat(SluiceMain.execute("demo", "--dir", demo.toString(), "--batches", "3", "--events-per-batch", "400", "--json")).isZero();
    String json = out();
    assertThat(json.lines().filter(l -> !l.isBlank()).count()).as(json.length() > 2000 ? json.substring(0, 2000) : json).isEqualTo(1);
    JsonNode s = new ObjectMapper().readTree(json);
    assertThat(s.get("table_matches_expected").asBoolean()).isTrue();
    long in = s.get("records_in").asLong();
    assertThat(in).isPositive().isEqualTo(s.get("good").asLong() + s.get("quarantined").asLong());
    assertThat(s.get("quarantined").asLong()).isEqualTo(9);     // 3 malformed lines per batch
    assertThat(s.get("commits").asLong()).isEqualTo(3);
    assertThat(s.get("partitions_touched").size()).isGreaterThan(1);   // late events reach older days
    assertThat(s.get("batches")).hasSize(3);
    // a second run recreates the demo dir instead of piling onto it
    out.reset();
    assertThat(SluiceMain.execute("demo", "--dir", demo.toString(), "--batches", "1", "--events-per-batch", "100")).isZero();
    assertThat(out()).contains("records in", "table holds exactly the", ": yes");
  }

  @Test
  void stageCommandsIncrementalFullAndBackfillAgree() throws Exception {
    Path demo = dir.resolve("stages");
    assertThat(SluiceMain.execute("demo", "--dir", demo.toString(), "--batches", "2", "--events-per-batch", "300")).isZero();
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
