package io.sluice.upserts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.testing.MiniDfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Batches on a real HDFS: counts balance, late events land in their day, versions collapse, reruns are no-ops. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MiniBatchHdfsTest {
  static MiniDfs dfs;
  static FileSystem fs;
  static PipelineSpec spec;
  static String landing;
  /** What the table must hold: key → (updated_at, amount). */
  static final Map<String, Long> expected = new HashMap<>();
  static long totalQuarantined;

  static final Instant NOW = Instant.parse("2024-05-10T12:00:00Z");

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    dfs = new MiniDfs("upserts", 1);
    fs = dfs.fs();
    Files.writeString(dir.resolve("e.avsc"), """
        {"type":"record","name":"E","fields":[
          {"name":"id","type":"string"},
          {"name":"user","type":"string"},
          {"name":"amount","type":["null","double"],"default":null},
          {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"seq","type":"long"},
          {"name":"del","type":"boolean","default":false}]}""");
    String yaml = """
        name: orders
        work-dir: %s/sluice
        source:
          schema: e.avsc
          validation:
            max-future-skew: 3650d
        table:
          record-key: [id]
          ordering-field: seq
          event-time-field: ts
          delete-field: del
        """.formatted(dfs.uri());
    Files.writeString(dir.resolve("p.yaml"), yaml);
    spec = SpecLoader.load(dir.resolve("p.yaml"));
    landing = spec.source().landingDir();
    assertThat(landing).startsWith("hdfs://");
    fs.mkdirs(new org.apache.hadoop.fs.Path(landing));
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.close();
    }
  }

  static String event(String id, Instant ts, long seq, Double amount, boolean del) {
    return String.format("{\"id\":\"%s\",\"user\":\"u%s\",\"amount\":%s,\"ts\":%d,\"seq\":%d,\"del\":%s}",
        id, id, amount == null ? "null" : amount.toString(), ts.toEpochMilli(), seq, del);
  }

  static void land(String name, List<String> lines) throws IOException {
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(landing, name))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  static Map<String, GenericRecord> table() {
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    return new SnapshotReader(mb.events(), mb.tableSchema()).read(null).stream()
        .collect(Collectors.toMap(r -> r.get("id").toString(), r -> r));
  }

  static int quarantineRows() {
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    return new SnapshotReader(mb.quarantine().table(), QuarantineTable.SCHEMA).read(null).size();
  }

  @Test
  @Order(1)
  void firstBatchBalancesCountsAndPartitionsByEventTime() throws IOException {
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // every 20th event is late: 1 to 3 days old
      Instant ts = i % 20 == 0 ? NOW.minusSeconds(86_400L * (1 + i % 3)) : NOW.plusSeconds(i);
      lines.add(event("e" + i, ts, 1, 10.0 + i, false));
      expected.put("e" + i, 1L);
    }
    lines.add(event("e5", NOW, 3, 99.0, false));   // duplicate key in the batch, newer version
    lines.add(event("e6", NOW, 0, 1.0, false));    // duplicate key in the batch, older version
    expected.put("e5", 3L);
    lines.add("{\"id\":\"bad1\",\"user\":\"x\",\"ts\":\"yesterday\",\"seq\":1}");
    lines.add("{not json");
    land("b1.jsonl", lines);

    BatchReport r = new MiniBatch(spec, dfs.conf()).runOnce();
    totalQuarantined += r.quarantined();
    assertThat(r.recordsIn()).isEqualTo(204).isEqualTo(r.good() + r.quarantined());
    assertThat(r.quarantined()).isEqualTo(2);
    Map<String, GenericRecord> t = table();
    assertThat(t).hasSize(200);
    assertThat(t.get("e5").get("seq")).isEqualTo(3L);
    assertThat(t.get("e6").get("seq")).isEqualTo(1L);
    // late events sit in their own event-time partition
    assertThat(t.get("e20").get("dt").toString()).isEqualTo("2024-05-07");
    assertThat(t.get("e40").get("dt").toString()).isEqualTo("2024-05-08");
    assertThat(t.get("e1").get("dt").toString()).isEqualTo("2024-05-10");
    assertThat(t.get("e20").get("_hoodie_partition_path").toString()).isEqualTo("dt=2024-05-07");
    assertThat(r.partitions()).containsExactlyInAnyOrder("dt=2024-05-07", "dt=2024-05-08", "dt=2024-05-09", "dt=2024-05-10");
    assertThat(quarantineRows()).isEqualTo(2);
  }

  @Test
  @Order(2)
  void laterBatchesUpdateDeleteAndIgnoreStaleVersions() throws IOException {
    land("b2.jsonl", List.of(
        event("e1", NOW.plusSeconds(1), 5, 11.5, false),     // update
        event("e2", NOW.plusSeconds(2), 0, 0.0, false),      // stale re-delivery: must not win
        event("e3", NOW.plusSeconds(3), 4, null, true),      // delete
        event("e20", NOW.minusSeconds(86_400L * 3), 2, 1.0, false), // late update in an old day
        event("n1", NOW.minusSeconds(86_400 * 3), 1, 7.0, false)));  // new late event
    expected.put("e1", 5L);
    expected.remove("e3");
    expected.put("e20", 2L);
    expected.put("n1", 1L);
    BatchReport r = new MiniBatch(spec, dfs.conf()).runOnce();
    assertThat(r.recordsIn()).isEqualTo(5).isEqualTo(r.good());
    assertThat(r.deletes()).isEqualTo(1);
    Map<String, GenericRecord> t = table();
    assertThat(t.keySet()).isEqualTo(expected.keySet());
    expected.forEach((k, seq) -> assertThat(t.get(k).get("seq")).as(k).isEqualTo(seq));
    assertThat(t.get("e2").get("amount")).isEqualTo(12.0);
    assertThat(t.get("e20").get("amount")).isEqualTo(1.0);
    assertThat(r.partitions()).contains("dt=2024-05-07");
  }

  @Test
  @Order(3)
  void rerunWithNothingNewCommitsNothing() {
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    int commits = mb.events().metaClient().getCommitsTimeline().filterCompletedInstants().countInstants();
    BatchReport r = mb.runOnce();
    assertThat(r.nothingNew()).isTrue();
    assertThat(mb.events().metaClient().getCommitsTimeline().filterCompletedInstants().countInstants()).isEqualTo(commits);
  }

  @Test
  @Order(4)
  void allBadBatchStillAdvancesTheCheckpointAndIsNotRequarantined() throws IOException {
    land("b3.jsonl", List.of("garbage", "{\"id\":null}"));
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    BatchReport r = mb.runOnce();
    assertThat(r.recordsIn()).isEqualTo(2).isEqualTo(r.quarantined());
    assertThat(r.eventsInstant()).isNotNull();
    assertThat(mb.runOnce().nothingNew()).isTrue();
    assertThat(quarantineRows()).isEqualTo(4);
    assertThat(table().keySet()).isEqualTo(expected.keySet());
  }

  @Test
  @Order(5)
  void separateIngestAndUpsertStagesGiveTheSameResult() throws IOException {
    land("b4.jsonl", List.of(event("s1", NOW, 1, 1.0, false), event("e1", NOW.plusSeconds(1), 9, 2.0, false)));
    expected.put("s1", 1L);
    expected.put("e1", 9L);
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    assertThat(mb.ingestAndStage().records()).hasSize(2);
    // a second ingest while a batch is staged does not take more files
    land("b5.jsonl", List.of(event("s2", NOW, 1, 1.0, false)));
    assertThat(mb.ingestAndStage().records()).hasSize(2);
    BatchReport r = mb.upsertStaged();
    assertThat(r.upserted()).isEqualTo(2);
    assertThat(table()).containsKeys("s1").doesNotContainKey("s2");
    expected.put("s2", 1L);
    assertThat(mb.runOnce().good()).isEqualTo(1);
    Map<String, GenericRecord> t = table();
    assertThat(t.keySet()).isEqualTo(expected.keySet());
    assertThat(t.get("e1").get("seq")).isEqualTo(9L);
    HoodieTimeline pending = mb.events().metaClient().getActiveTimeline().filterInflightsAndRequested();
    assertThat(pending.countInstants()).isZero();
  }
}
