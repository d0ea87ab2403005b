package io.sluice.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.util.HadoopConfs;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.upserts.MiniBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.metastore.HiveMetaStoreClient;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sync to a real (embedded, in-process Derby) Hive metastore with Hudi's HiveSyncTool. */
class MetastoreSyncTest {
  @TempDir Path dir;

  @Test
  void syncsEveryTableAndNewPartitionsAfterEachBatch() throws Exception {
    Path schema = Path.of(System.getProperty("sluice.repo.root"), "conf", "demo.avsc");
    Files.writeString(dir.resolve("p.yaml"), """
        name: hs
        work-dir: %s
        source: {format: jsonl, schema: %s}
        table: {record-key: [event_id], ordering-field: updated_at, event-time-field: event_time}
        metrics:
          definitions: [{name: by_country, grain: 1h, dimensions: [country], measures: [count]}]
        """.formatted(dir.resolve("work"), schema));
    PipelineSpec spec = SpecLoader.load(dir.resolve("p.yaml"));
    var conf = HadoopConfs.of(spec);
    Path landing = Path.of(java.net.URI.create(spec.source().landingDir()));
    Files.createDirectories(landing);
    Files.writeString(landing.resolve("a.jsonl"), event("e1", "2024-05-01T10:00:00Z") + event("e2", "2024-05-02T10:00:00Z")
        + "{not json\n");
    new MiniBatch(spec, conf).runOnce();
    new MetricWindowRecompute(spec, conf).incremental();
    MetastoreSync sync = new MetastoreSync(spec, conf);
    MetastoreSync.Report r = sync.syncAll();
    assertThat(r.ok()).as("%s", r.tables()).isTrue();
    assertThat(r.tables()).containsKeys("hs_events", "hs_metrics", "hs_quarantine").doesNotContainKey("hs_check_results");

    Files.writeString(landing.resolve("b.jsonl"), event("e3", "2024-05-03T10:00:00Z"));
    new MiniBatch(spec, conf).runOnce();
    assertThat(sync.syncAll().ok()).isTrue();

    HiveMetaStoreClient client = new HiveMetaStoreClient(new HiveConf(sync.hiveConf(), HiveConf.class));
    try {
      Table t = client.getTable("default", "hs_events");
      assertThat(t.getTableType()).isEqualTo("EXTERNAL_TABLE");
      assertThat(t.getSd().getInputFormat()).isEqualTo(HiveDdl.INPUT);
      assertThat(t.getSd().getCols().stream().map(FieldSchema::getName)).contains("event_id", "amount", "_hoodie_commit_time");
      assertThat(t.getSd().getCols()).filteredOn(c -> c.getName().equals("event_time"))
          .extracting(FieldSchema::getType).containsExactly("timestamp");
      assertThat(client.listPartitionNames("default", "hs_events", (short) -1))
          .containsExactlyInAnyOrder("dt=2024-05-01", "dt=2024-05-02", "dt=2024-05-03");
      assertThat(client.getTable("default", "hs_metrics").getPartitionKeys()).extracting(FieldSchema::getName)
          .containsExactly("dt");
      // A Hive client's read path: the input format the metastore names, over the partitions it lists.
      assertThat(readThroughInputFormat(t, client.listPartitions("default", "hs_events", (short) -1))).isEqualTo(3);
    } finally {
      client.close();
    }
    assertThat(sync.pending()).isEmpty();
  }

  @Test
  void unreachableMetastoreIsReportedMarkedPendingAndRepairedLater() throws Exception {
    Path schema = Path.of(System.getProperty("sluice.repo.root"), "conf", "demo.avsc");
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String base = """
        name: hs2
        work-dir: %s
        source: {format: jsonl, schema: %s}
        table: {record-key: [event_id], ordering-field: updated_at, event-time-field: event_time}
        """.formatted(dir.resolve("work2"), schema);
    Files.writeString(dir.resolve("down.yaml"), base + "hive: {metastore-uris: \"thrift://127.0.0.1:" + closed
        + "\", properties: {hive.metastore.connect.retries: \"1\", hive.metastore.client.connect.retry.delay: \"0s\"}}\n");
    Files.writeString(dir.resolve("up.yaml"), base);
    PipelineSpec down = SpecLoader.load(dir.resolve("down.yaml"));
    var conf = HadoopConfs.of(down);
    Path landing = Path.of(java.net.URI.create(down.source().landingDir()));
    Files.createDirectories(landing);
    Files.writeString(landing.resolve("a.jsonl"), event("e1", "2024-05-01T10:00:00Z"));
    var committed = new MiniBatch(down, conf).runOnce();
    assertThat(committed.eventsInstant()).isNotNull();

    MetastoreSync.Report failed = new MetastoreSync(down, conf).syncAll();
    assertThat(failed.ok()).isFalse();
    assertThat(failed.failed()).containsExactly("hs2_events");
    assertThat(new MetastoreSync(down, conf).pending()).containsKey("hs2_events");
    // The data commit stands: the table still holds the batch.
    assertThat(new io.sluice.upserts.SnapshotReader(new MiniBatch(down, conf).events(),
        new MiniBatch(down, conf).tableSchema()).read(null)).hasSize(1);

    PipelineSpec up = SpecLoader.load(dir.resolve("up.yaml"));
    MetastoreSync repaired = new MetastoreSync(up, conf);
    assertThat(repaired.syncAll().ok()).isTrue();
    assertThat(repaired.pending()).isEmpty();
  }

  /** Reads every row of the table the way Hive's MapReduce readers do, and returns the row count. */
  private static long readThroughInputFormat(Table t, List<org.apache.hadoop.hive.metastore.api.Partition> parts)
      throws Exception {
    org.apache.hadoop.mapred.JobConf job = new org.apache.hadoop.mapred.JobConf();
    List<FieldSchema> cols = t.getSd().getCols();
    job.set("columns", String.join(",", cols.stream().map(FieldSchema::getName).toList()));
    job.set("columns.types", String.join(",", cols.stream().map(FieldSchema::getType).toList()));
    job.set("hive.io.file.readcolumn.names", "event_id");
    job.set("hive.io.file.readcolumn.ids", String.valueOf(cols.stream().map(FieldSchema::getName).toList().indexOf("event_id")));
    job.set("hive.io.file.read.all.columns", "false");
    org.apache.hadoop.mapred.FileInputFormat.setInputPaths(job, parts.stream()
        .map(p -> new org.apache.hadoop.fs.Path(p.getSd().getLocation())).toArray(org.apache.hadoop.fs.Path[]::new));
    @SuppressWarnings("unchecked")
    org.apache.hadoop.mapred.InputFormat<Object, Object> format = (org.apache.hadoop.mapred.InputFormat<Object, Object>)
        Class.forName(t.getSd().getInputFormat()).getDeclaredConstructor().newInstance();
    if (format instanceof org.apache.hadoop.conf.Configurable c) {
      c.setConf(job);
    }
    long rows = 0;
    for (org.apache.hadoop.mapred.InputSplit split : format.getSplits(job, 1)) {
      org.apache.hadoop.mapred.RecordReader<Object, Object> rr = format.getRecordReader(split, job,
          org.apache.hadoop.mapred.Reporter.NULL);
      Object k = rr.createKey();
      Object v = rr.createValue();
      while (rr.next(k, v)) {
        rows++;
      }
      rr.close();
    }
    return rows;
  }

  private static String event(String id, String at) {
    long ts = java.time.Instant.parse(at).toEpochMilli();
    return "{\"event_id\":\"" + id + "\",\"user_id\":\"u\",\"event_type\":\"view\",\"country\":\"DE\",\"platform\":\"web\","
        + "\"event_time\":" + ts + ",\"updated_at\":" + ts + "}\n";
  }

}
