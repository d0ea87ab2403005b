package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checks.CheckResult;
import io.sluice.checks.CheckResultsTable;
import io.sluice.checks.ChecksStage;
import io.sluice.checks.records.RecordModelStore;
import io.sluice.core.CrashPoints;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.testing.MiniDfs;
import io.sluice.incremental.MetricRows;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.QuarantineTable;
import io.sluice.upserts.SnapshotReader;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a real {@code sluice run --once} process with SIGKILL at each named crash point on a real
 * HDFS, reruns it, and requires every table to equal a crash-free run's: same rows, no duplicates,
 * nothing left inflight; the record model on HDFS to have the crash-free run's fingerprint; and the
 * column profiles to equal the crash-free run's.
 */
class CrashRecoveryHdfsTest {
  static MiniDfs dfs;
  static Path local;
  static String landing;
  static Set<String> referenceEvents;
  static Set<String> referenceQuarantine;
  static Map<String, Map<String, Object>> referenceMetrics;
  static String referenceModel;
  static String referenceProfiles;

  @BeforeAll
  static void start() throws Exception {
    dfs = new MiniDfs("crash", 1);
    local = Files.createTempDirectory("sluice-crash");
    Files.copy(Path.of(System.getProperty("sluice.repo.root", "..")).resolve("conf/demo.avsc"), local.resolve("demo.avsc"));
    landing = dfs.uri() + "/landing/clicks";
    FileSystem fs = dfs.fs();
    // Two files: valid events, late events, in-batch duplicates, an update, a delete and bad lines.
    write(fs, "a.jsonl", events(0, 300, 0) + "{broken\n" + event("ev-7", 1_700_000_000_000L, 9, false) + "\n");
    write(fs, "b.jsonl", events(300, 200, 86_400_000L * 2) + event("ev-3", 1_700_000_000_000L, 5, true) + "\n"
        + "{\"event_id\":\"x\",\"event_type\":\"view\"}\n");
    MiniBatch ref = new MiniBatch(spec("reference"), dfs.conf());
    ref.runOnce();
    MetricWindowRecompute refMetrics = new MetricWindowRecompute(spec("reference"), dfs.conf());
    refMetrics.incremental();
    referenceMetrics = MetricRows.canonical(refMetrics.metricsTable());
    assertThat(referenceMetrics).isNotEmpty();
    new ChecksStage(spec("reference"), dfs.conf()).run();
    referenceModel = new RecordModelStore(spec("reference").checksStateDir(), dfs.conf()).latest().orElseThrow()
        .fingerprint();
    referenceProfiles = profiles(spec("reference"));
    assertThat(referenceProfiles).contains("\"days\"");
    referenceEvents = rows(ref.events(), ref.tableSchema());
    referenceQuarantine = rows(ref.quarantine().table(), QuarantineTable.SCHEMA);
    assertThat(referenceEvents).hasSize(499);      // 500 ids, one deleted
    assertThat(referenceQuarantine).hasSize(2);
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {CrashPoints.INGEST_LISTED, CrashPoints.QUARANTINE_COMMITTED, CrashPoints.UPSERT_WRITTEN,
      CrashPoints.UPSERT_COMMITTED, CrashPoints.METRICS_WRITTEN, CrashPoints.CHECKS_WRITTEN, CrashPoints.CHECKS_COMMITTED,
      CrashPoints.SYNC_STARTED})
  void killedBatchIsRedoneExactlyOnce(String point) throws Exception {
    PipelineSpec spec = spec(point.replace('.', '_'));
    Path specFile = local.resolve(point + ".yaml");
    Path log = local.resolve(point + ".log");
    File marker = local.resolve("markers-" + point).resolve(point).toFile();

    Process p = SluiceProcess.start(log, Map.of(CrashPoints.ENV_POINT, point,
        CrashPoints.ENV_MARKER_DIR, marker.getParent()), "run", "--once", "-p", specFile.toString());
    SluiceProcess.killWhenPaused(p, marker, Duration.ofMinutes(3), log);

    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    if (point.equals(CrashPoints.UPSERT_WRITTEN)) {
      // Hudi wrote data files for an instant that never completed.
      HoodieTimeline t = mb.events().metaClient().getActiveTimeline();
      assertThat(t.filterInflightsAndRequested().countInstants()).isEqualTo(1);
      assertThat(t.filterCompletedInstants().countInstants()).isZero();
    }

    int exit = SluiceProcess.run(local.resolve(point + "-rerun.log"), Map.of(), "run", "--once", "-p", specFile.toString());
    assertThat(exit).as(Files.readString(local.resolve(point + "-rerun.log"))).isZero();

    assertThat(rows(mb.events(), mb.tableSchema())).isEqualTo(referenceEvents);
    assertThat(rows(mb.quarantine().table(), QuarantineTable.SCHEMA)).isEqualTo(referenceQuarantine);
    MetricWindowRecompute metrics = new MetricWindowRecompute(spec, dfs.conf());
    assertThat(MetricRows.canonical(metrics.metricsTable())).isEqualTo(referenceMetrics);
    assertThat(metrics.incremental().nothingNew()).isTrue();
    CheckResultsTable checks = new CheckResultsTable(spec, dfs.conf());
    // The checks consumed the batch exactly once: their checkpoint is the events commit, and one checks run
    // holds the findings (a second run would mean the killed run's results were kept and redone).
    assertThat(checks.table().latestCommitMetadata(ChecksStage.EVENTS_INSTANT_KEY))
        .contains(mb.events().metaClient().getCommitsTimeline().filterCompletedInstants().lastInstant().get().getTimestamp());
    assertThat(checks.read(null).stream().map(CheckResult::runId).distinct()).hasSize(1);
    // The record model on HDFS learnt the batch exactly once: the same bytes as the crash-free run's.
    RecordModelStore models = new RecordModelStore(spec.checksStateDir(), dfs.conf());
    assertThat(models.versions()).hasSize(1);
    assertThat(models.latest().orElseThrow().fingerprint()).isEqualTo(referenceModel);
    // The column profiles on HDFS hold the batch once, and no staged state is left behind.
    assertThat(profiles(spec)).isEqualTo(referenceProfiles);
    assertThat(dfs.fs().exists(new org.apache.hadoop.fs.Path(spec.checksStateDir(), ".staged"))).isFalse();
    for (HudiTable t : List.of(mb.events(), mb.quarantine().table(), metrics.metricsTable().table(), checks.table())) {
      assertThat(t.metaClient().getActiveTimeline().filterInflightsAndRequested().countInstants())
          .as("pending instants on " + t.layout().name()).isZero();
    }
    // exactly one events commit carries the batch: a second one would mean the batch ran twice
    HoodieTimeline done = mb.events().metaClient().getCommitsTimeline().filterCompletedInstants();
    assertThat(done.countInstants()).isEqualTo(1);
    assertThat(mb.runOnce().nothingNew()).isTrue();
  }

  /** The live column profiles without the instant-valued "through", which differs between pipelines. */
  static String profiles(PipelineSpec spec) throws Exception {
    try (var in = dfs.fs().open(new org.apache.hadoop.fs.Path(spec.checksStateDir(), "profiles.json"))) {
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(in);
      tree.remove("through");
      return tree.toString();
    }
  }

  static PipelineSpec spec(String name) throws Exception {
    Path f = ClicksPipeline.write(local.resolve(name.replace('_', '.') + ".yaml"), dfs.uri() + "/work/" + name,
        "landing-dir: " + landing, ClicksPipeline.BY_PLATFORM_METRICS
            + "checks:\n  records: {enabled: true, entity: user_id, trees: 20, sample-size: 256}\n");
    return SpecLoader.load(f);
  }

  /** Rows without the columns that name commits or files, which legitimately differ between runs. */
  static Set<String> rows(HudiTable table, Schema schema) {
    Set<String> out = new TreeSet<>();
    for (GenericRecord r : new SnapshotReader(table, schema).read(null)) {
      StringBuilder sb = new StringBuilder();
      for (Schema.Field f : r.getSchema().getFields()) {
        if (!Set.of("_hoodie_commit_time", "_hoodie_commit_seqno", "_hoodie_file_name").contains(f.name())) {
          sb.append(f.name()).append('=').append(r.get(f.pos())).append(';');
        }
      }
      assertThat(out.add(sb.toString())).as("duplicate row " + sb).isTrue();
    }
    return out;
  }

  static String events(int from, int n, long lateBy) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      sb.append(event("ev-" + i, 1_700_000_000_000L + i * 1000L - (i % 10 == 0 ? lateBy : 0), 1, false)).append('\n');
      if (i % 50 == 0) {
        sb.append(event("ev-" + i, 1_700_000_000_000L + i * 1000L - (i % 10 == 0 ? lateBy : 0), 1, false)).append('\n');
      }
    }
    return sb.toString();
  }

  static String event(String id, long ts, long version, boolean deleted) {
    return String.format("{\"event_id\":\"%s\",\"user_id\":\"u1\",\"event_type\":\"click\",\"country\":\"DE\","
        + "\"platform\":\"web\",\"amount\":null,\"latency_ms\":12,\"event_time\":%d,\"updated_at\":%d,\"deleted\":%s}",
        id, ts, 1_700_000_000_000L + version, deleted);
  }

  static void write(FileSystem fs, String name, String text) throws Exception {
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(landing, name))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

}
