package io.sluice.checks.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.checks.ChecksReport;
import io.sluice.checks.ChecksStage;
import io.sluice.core.CrashPoints;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.util.HadoopConfs;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.upserts.MiniBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rerun safety of the checks' persisted state through the real pipeline (ingest, Hudi upsert,
 * metrics, checks): a checks run that dies around its results commit is rerun, and every persisted
 * model version, column profile and detector state must equal a crash-free twin pipeline's, so the
 * rerun neither learnt a batch twice nor skipped one.
 */
class RecordModelRerunTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DAY0 = 1_790_000_000_000L / 86_400_000L * 86_400_000L;

  @TempDir static Path dir;

  /** One pipeline with record scoring on, fed hour by hour. */
  private static final class Pipeline {
    final PipelineSpec spec;
    final Configuration conf;
    final Path landing;
    int file;

    Pipeline(String name) throws Exception {
      Path schema = Path.of(System.getProperty("sluice.repo.root"), "conf", "demo.avsc");
      String yaml = """
          name: %s
          work-dir: %s
          source: {format: jsonl, schema: %s}
          table: {name: %s_events, record-key: [event_id], ordering-field: updated_at, event-time-field: event_time,
                  delete-field: deleted}
          hive: {sync: false}
          metrics:
            definitions:
              - {name: by_platform, grain: 1h, dimensions: [platform], measures: [count]}
              - {name: latency, grain: 5m, measures: [count, avg(latency_ms)]}
          checks:
            anomaly: {replay: 30m}
            records: {enabled: true, entity: user_id, trees: 20, sample-size: 256}
            alerts: {sinks: [{type: jsonl, path: alerts.jsonl, min-severity: critical}]}
          """.formatted(name, dir.resolve(name), schema, name);
      Path specFile = dir.resolve(name + ".yaml");
      Files.writeString(specFile, yaml);
      spec = SpecLoader.load(specFile);
      conf = HadoopConfs.of(spec);
      landing = Path.of(java.net.URI.create(spec.source().landingDir()));
      Files.createDirectories(landing);
    }

    void land(SyntheticEvents.Batch b) throws Exception {
      List<String> lines = new ArrayList<>();
      for (RecordBatch.Event e : b.events()) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : List.of("user_id", "event_type", "country", "platform", "amount", "latency_ms", "event_time")) {
          m.put(f, e.values().get(f));
        }
        m.put("event_id", e.key());
        m.put("updated_at", e.eventTime());
        m.put("deleted", false);
        lines.add(JSON.writeValueAsString(m));
      }
      Files.write(landing.resolve(String.format("f-%04d.jsonl", file++)), lines);
    }

    ChecksReport batch() {
      new MiniBatch(spec, conf).runOnce();
      new MetricWindowRecompute(spec, conf).incremental();
      return new ChecksStage(spec, conf).run();
    }

    /**
     * The live checks state other than record models (whose versions are named by instants): relative
     * path to content, gunzipped, with the instant-valued "through" dropped, since instants differ
     * between twin pipelines.
     */
    Map<String, String> liveState() throws Exception {
      Path root = Path.of(new org.apache.hadoop.fs.Path(spec.checksStateDir()).toUri().getPath());
      Map<String, String> out = new java.util.TreeMap<>();
      try (var files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String rel = root.relativize(f).toString();
          // alert routing state holds wall-clock times, pipeline names and instants; alerts() compares what it sent
          if (rel.startsWith("records") || rel.endsWith(".crc") || rel.equals("incidents.json")
              || rel.equals("alerts-routed-through")) {
            continue;
          }
          byte[] bytes = Files.readAllBytes(f);
          if (rel.endsWith(".gz")) {
            bytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
          }
          var tree = JSON.readTree(bytes);
          if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove("through");
          }
          out.put(rel, tree.toString());
        }
      }
      return out;
    }

    /** Severity and title of every alert the jsonl sink received, with the pipeline's name masked. */
    List<String> alerts() throws Exception {
      Path file = Path.of(new org.apache.hadoop.fs.Path(spec.workDir()).toUri().getPath()).resolve("alerts.jsonl");
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        var a = JSON.readTree(line);
        out.add(a.get("severity").asText() + " " + a.get("title").asText().replace(spec.name(), "P"));
      }
      return out;
    }

    Map<String, String> fingerprints() {
      RecordModelStore store = new RecordModelStore(spec.checksStateDir(), conf);
      Map<String, String> out = new LinkedHashMap<>();
      List<String> versions = store.versions();
      for (int i = 0; i < versions.size(); i++) {
        out.put("v" + i, store.load(versions.get(i)).fingerprint());
      }
      return out;
    }
  }

  @AfterEach
  void clearHook() {
    CrashPoints.onReach(null);
  }

  /** Runs a batch of {@code p} that is killed when it reaches {@code point}. */
  private static void killedAt(String point, Pipeline p) {
    CrashPoints.onReach(reached -> {
      if (reached.equals(point)) {
        throw new IllegalStateException("simulated kill at " + reached);
      }
    });
    assertThatThrownBy(p::batch).hasStackTraceContaining("simulated kill");
    CrashPoints.onReach(null);
  }

  @Test
  void aCrashBeforeOrAfterTheResultsCommitLeavesTheSameStateAndAlertsAsACrashFreeRun() throws Exception {
    Pipeline clean = new Pipeline("calm");
    Pipeline crashed = new Pipeline("killed");
    SyntheticEvents genA = new SyntheticEvents(9);
    SyntheticEvents genB = new SyntheticEvents(9);
    for (int h = 0; h < 6; h++) {
      SyntheticEvents.Batch a = genA.batch(DAY0 + h * 3_600_000L, 400, SyntheticEvents.Outlier.NONE, 0);
      SyntheticEvents.Batch b = genB.batch(DAY0 + h * 3_600_000L, 400, SyntheticEvents.Outlier.NONE, 0);
      clean.land(a);
      crashed.land(b);
      if (h == 4) {
        // delivered twice: a critical duplicates alert that only this batch's run can raise
        clean.land(a);
        crashed.land(b);
      }
      clean.batch();
      String point = h == 2 ? CrashPoints.CHECKS_WRITTEN : h == 0 || h == 4 ? CrashPoints.CHECKS_COMMITTED : null;
      if (point == null) {
        crashed.batch();
        continue;
      }
      killedAt(point, crashed);
      ChecksReport rerun = new ChecksStage(crashed.spec, crashed.conf).run();
      assertThat(rerun.nothingNew()).as("results committed before the kill at %s", point)
          .isEqualTo(point.equals(CrashPoints.CHECKS_COMMITTED));
    }
    Map<String, String> expected = clean.liveState();
    assertThat(expected).containsKey("profiles.json");
    assertThat(expected.get("detectors/latency.json.gz")).as("series detectors were saved").contains("last_window");
    assertThat(crashed.liveState()).isEqualTo(expected);
    // batch 4's duplicates alert was due when the kill came after the commit: delayed, not lost, not doubled
    assertThat(clean.alerts()).contains("critical duplicates on P_events");
    assertThat(crashed.alerts()).isEqualTo(clean.alerts());
  }

  @Test
  void aRerunAfterACrashLeavesTheSameModelAsACrashFreeRun() throws Exception {
    Pipeline clean = new Pipeline("clean");
    Pipeline crashed = new Pipeline("crashed");
    SyntheticEvents genA = new SyntheticEvents(5);
    SyntheticEvents genB = new SyntheticEvents(5);
    for (int h = 0; h < 4; h++) {
      SyntheticEvents.Outlier kind = h == 3 ? SyntheticEvents.Outlier.EXTREME : SyntheticEvents.Outlier.NONE;
      clean.land(genA.batch(DAY0 + h * 3_600_000L, 600, kind, 5));
      crashed.land(genB.batch(DAY0 + h * 3_600_000L, 600, kind, 5));
      ChecksReport a = clean.batch();
      if (h == 2 || h == 3) {
        killedAt(CrashPoints.CHECKS_WRITTEN, crashed);
        ChecksReport rerun = new ChecksStage(crashed.spec, crashed.conf).run();
        assertThat(rerun.records().scored()).isEqualTo(a.records().scored());
        assertThat(rerun.records().flagged()).isEqualTo(a.records().flagged());
      } else {
        crashed.batch();
      }
    }
    Map<String, String> fa = clean.fingerprints();
    assertThat(fa).hasSize(4);
    assertThat(crashed.fingerprints()).isEqualTo(fa);
    RecordModel last = new RecordModelStore(clean.spec.checksStateDir(), clean.conf).latest().orElseThrow();
    assertThat(last.updates()).as("each batch learnt exactly once").isEqualTo(4 * 600 + 5);

    // The daily retrain files its model under the instant the checks consumed, where the next run finds it.
    RecordRetrain.Outcome o = new RecordRetrain(clean.spec, clean.conf,
        java.time.Clock.fixed(java.time.Instant.ofEpochMilli(DAY0 + 5 * 3_600_000L), java.time.ZoneOffset.UTC)).run();
    assertThat(o.sampled()).isEqualTo(4 * 600 + 5);
    assertThat(o.heldOut()).isBetween(450, 520);
    assertThat(o.onlineAuc()).isBetween(0.5, 1.0);
    assertThat(o.retrainedAuc()).isBetween(0.5, 1.0);
    RecordModelStore store = new RecordModelStore(clean.spec.checksStateDir(), clean.conf);
    assertThat(o.version()).isEqualTo(store.versions().get(store.versions().size() - 1));
    RecordModel inForce = store.latest().orElseThrow();
    assertThat(inForce.fingerprint()).isEqualTo(o.fingerprint());
    assertThat(inForce.origin()).isEqualTo(o.replaced() ? RecordModel.Origin.RETRAIN : RecordModel.Origin.ONLINE);
    clean.land(genA.batch(DAY0 + 4 * 3_600_000L, 600, SyntheticEvents.Outlier.COMBINATION, 5));
    ChecksReport after = clean.batch();
    assertThat(after.results()).as(after.toString()).anyMatch(r -> r.check().equals(RecordOutlierCheck.CHECK));
    assertThat(after.records().scored()).isEqualTo(605);
    assertThat(after.records().top().subList(0, 5)).allMatch(r -> r.score() >= 0.6);
  }
}
