package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.DemoEvents;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.testing.MiniDfs;
import io.sluice.incremental.MetricRows;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.upserts.HudiWriter;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backfill with re-ingest repairs the events table from the raw landing files kept on HDFS: after one
 * day's events were wrongly deleted, re-ingesting that day restores them exactly, and a second re-ingest
 * changes nothing (idempotent).
 */
class BackfillReingestTest {
  static MiniDfs dfs;
  static Path local;

  @BeforeAll
  static void start() throws Exception {
    dfs = new MiniDfs("reingest", 1);
    local = Files.createTempDirectory("sluice-reingest");
    Files.copy(Path.of(System.getProperty("sluice.repo.root", "..")).resolve("conf/demo.avsc"), local.resolve("demo.avsc"));
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.close();
    }
  }

  static Map<String, String> live(MiniBatch mb) {
    Map<String, String> out = new TreeMap<>();
    for (GenericRecord r : new SnapshotReader(mb.events(), mb.tableSchema()).read(null)) {
      out.put(r.get("event_id").toString(), r.get("updated_at") + "|" + r.get("dt") + "|" + r.get("amount"));
    }
    return out;
  }

  @Test
  void reingestRestoresWronglyDeletedEventsFromTheRawFilesAndIsIdempotent() throws Exception {
    Path specFile = local.resolve("p.yaml");
    ClicksPipeline.write(specFile, dfs.uri() + "/work", "max-files-per-batch: 1", """
        metrics:
          definitions:
            - name: by_platform
              grain: 1h
              dimensions: [platform]
              measures: [count, sum(amount)]
        """ + ClicksPipeline.NO_SYNC);
    PipelineSpec spec = SpecLoader.load(specFile);
    DemoEvents events = new DemoEvents(DemoEvents.Config.defaults(Instant.parse("2026-11-20T22:00:00Z"))
        .withEventsPerBatch(500));
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    MetricWindowRecompute metrics = new MetricWindowRecompute(spec, dfs.conf());
    for (int b = 0; b < 4; b++) {   // 22:00 .. 02:00: events on 2026-11-20 and -21, late ones before
      events.writeBatch(b, dfs.fs(), new org.apache.hadoop.fs.Path(spec.source().landingDir()));
      mb.runOnce();
      metrics.incremental();
    }
    Map<String, String> good = live(mb);
    Map<String, Map<String, Object>> goodMetrics = MetricRows.canonical(metrics.metricsTable());
    String checkpoint = mb.committedCheckpoint().toJson();

    // The accident: every event of 2026-11-21 deleted (same ordering value, so the delete wins).
    List<GenericRecord> doomed = new ArrayList<>();
    for (GenericRecord r : new SnapshotReader(mb.events(), mb.tableSchema()).read(null)) {
      if (!"2026-11-21".equals(String.valueOf(r.get("dt")))) {
        continue;
      }
      GenericRecord d = new GenericData.Record(mb.tableSchema());
      mb.tableSchema().getFields().forEach(f -> d.put(f.name(), r.get(f.name())));
      d.put("_hoodie_is_deleted", true);
      doomed.add(d);
    }
    assertThat(doomed).hasSizeGreaterThan(100);
    new HudiWriter(mb.events(), mb.tableSchema()).upsert(doomed, Map.of(), null);
    assertThat(live(mb)).hasSize(good.size() - doomed.size());

    List<String> progress = new ArrayList<>();
    MiniBatch.ReingestReport r = mb.reingest(LocalDate.parse("2026-11-21"), LocalDate.parse("2026-11-21"),
        (done, total, upserted) -> progress.add(done + "/" + total));
    assertThat(live(mb)).isEqualTo(good);
    assertThat(r.inRange()).isGreaterThanOrEqualTo(doomed.size());
    assertThat(r.recordsIn()).isGreaterThan(r.inRange());           // other days' events were read, not written
    assertThat(progress).isNotEmpty().last().asString().endsWith("/" + r.files());
    assertThat(mb.committedCheckpoint().toJson()).isEqualTo(checkpoint);
    assertThat(mb.runOnce().nothingNew()).as("the pipeline's own input is unchanged").isTrue();

    metrics.full(LocalDate.parse("2026-11-21"), LocalDate.parse("2026-11-21"));
    assertThat(MetricRows.canonical(metrics.metricsTable())).isEqualTo(goodMetrics);

    // Idempotent: a second re-ingest leaves the same table.
    mb.reingest(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"), null);
    assertThat(live(mb)).isEqualTo(good);
  }
}
