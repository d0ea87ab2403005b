package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecordLocation;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.common.util.collection.Pair;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;
import org.apache.hudi.table.HoodieJavaTable;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.WorkloadProfile;
import org.apache.hudi.table.WorkloadStat;
import org.apache.hudi.table.action.commit.JavaUpsertPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sluice's upsert partitioner sends every record to the bucket Hudi's own partitioner picks. */
class UpsertBucketPartitionerTest {
  private static final Schema SCHEMA = SchemaBuilder.record("E").namespace("t").fields()
      .requiredString("id").requiredString("dt").requiredLong("seq").endRecord();

  @TempDir
  Path dir;

  @Test
  void picksHudisBucketForEveryInsertAndUpdate() throws Exception {
    HadoopStorageConfiguration conf = new HadoopStorageConfiguration(new Configuration());
    HoodieTableMetaClient.withPropertyBuilder().setTableType(HoodieTableType.COPY_ON_WRITE).setTableName("e")
        .initTable(conf, dir.toString());
    // 1,000 records per insert bucket: 10 buckets for one day, 3 (the last partly filled) for another, 1 for a third.
    HoodieWriteConfig config = HoodieWriteConfig.newBuilder().withPath(dir.toString()).forTable("e")
        .withSchema(SCHEMA.toString()).withEmbeddedTimelineServerEnabled(false)
        .withProps(Map.of("hoodie.copyonwrite.insert.auto.split", "false", "hoodie.copyonwrite.insert.split.size", "1000"))
        .build();
    HoodieJavaEngineContext context = new HoodieJavaEngineContext(conf);
    HoodieTable table = HoodieJavaTable.create(config, context);

    Map<String, Integer> inserts = Map.of("dt=2026-11-01", 10_000, "dt=2026-11-02", 2_500, "dt=2026-11-03", 7);
    HashMap<String, WorkloadStat> stats = new HashMap<>();
    WorkloadStat global = new WorkloadStat();
    inserts.forEach((p, n) -> {
      WorkloadStat s = new WorkloadStat();
      s.addInserts(n);
      global.addInserts(n);
      stats.put(p, s);
    });
    HoodieRecordLocation old = new HoodieRecordLocation("20261101000000000", "file-1");
    stats.get("dt=2026-11-01").addUpdates(old, 5);
    WorkloadProfile profile = new WorkloadProfile(Pair.of(stats, global));

    JavaUpsertPartitioner<?> hudi = new JavaUpsertPartitioner<>(profile, context, table, config);
    UpsertBucketPartitioner<?> ours = new UpsertBucketPartitioner<>(profile, context, table, config);
    assertThat(UpsertBucketPartitioner.available()).isTrue();
    assertThat(ours.getNumPartitions()).isEqualTo(hudi.getNumPartitions()).isEqualTo(1 + 10 + 3 + 1);

    Random rnd = new Random(11);
    Map<String, Set<Integer>> used = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      String partition = "dt=2026-11-0" + (1 + rnd.nextInt(3));
      HoodieKey key = new HoodieKey(Long.toHexString(rnd.nextLong()) + "-" + i, partition);
      Pair<HoodieKey, Option<HoodieRecordLocation>> insert = Pair.of(key, Option.empty());
      int bucket = ours.getPartition(insert);
      assertThat(bucket).as("bucket of new key %s", key).isEqualTo(hudi.getPartition(insert));
      used.computeIfAbsent(partition, p -> new HashSet<>()).add(bucket);
    }
    // The multi-bucket days really spread over all their buckets, so the hashed path was taken.
    assertThat(used.get("dt=2026-11-01")).hasSize(10);
    assertThat(used.get("dt=2026-11-02")).hasSize(3);
    assertThat(used.get("dt=2026-11-03")).hasSize(1);

    Pair<HoodieKey, Option<HoodieRecordLocation>> update = Pair.of(new HoodieKey("u", "dt=2026-11-01"), Option.of(old));
    assertThat(ours.getPartition(update)).isEqualTo(hudi.getPartition(update));
  }
}
