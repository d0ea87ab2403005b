package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.model.HoodieAvroPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
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
import org.apache.hudi.table.action.commit.BucketType;
import org.apache.hudi.table.action.commit.JavaUpsertPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice's upsert partitioner keeps Hudi's buckets, its routing of updates and its share of new keys
 * for small files, and spreads a partition's other new keys evenly over its new file groups.
 */
class UpsertBucketPartitionerTest {
  private static final Schema SCHEMA = SchemaBuilder.record("E").namespace("t").fields()
      .requiredString("id").requiredString("dt").requiredLong("seq").endRecord();
  private static final String SMALL_FILE_DAY = "dt=2026-11-04";

  @TempDir
  Path dir;

  @Test
  void keepsHudisBucketsAndSpreadsNewKeysEvenlyOverNewFiles() throws Exception {
    HadoopStorageConfiguration conf = new HadoopStorageConfiguration(new Configuration());
    HoodieTableMetaClient.withPropertyBuilder().setTableType(HoodieTableType.COPY_ON_WRITE).setTableName("e")
        .initTable(conf, dir.toString());
    // 1,000 records per new file group; an existing small file has room for ~1,228 more (100 KB a record).
    HoodieWriteConfig config = HoodieWriteConfig.newBuilder().withPath(dir.toString()).forTable("e")
        .withSchema(SCHEMA.toString()).withEmbeddedTimelineServerEnabled(false)
        .withProps(Map.of("hoodie.copyonwrite.insert.auto.split", "false", "hoodie.copyonwrite.insert.split.size", "1000",
            "hoodie.copyonwrite.record.size.estimate", "102400", "hoodie.datasource.write.recordkey.field", "id",
            "hoodie.datasource.write.partitionpath.field", "dt", "hoodie.datasource.write.precombine.field", "seq"))
        .build();
    HoodieJavaEngineContext context = new HoodieJavaEngineContext(conf);
    writeSmallFile(context, config);
    HoodieTable table = HoodieJavaTable.create(config, context);

    // 10 full new buckets; 2 full and a half-full one; a single one; a small file plus 3 new (1,000, 1,000, ~772).
    Map<String, Integer> inserts = Map.of("dt=2026-11-01", 10_000, "dt=2026-11-02", 2_500, "dt=2026-11-03", 7,
        SMALL_FILE_DAY, 4_000);
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
    assertThat(ours.getNumPartitions()).isEqualTo(hudi.getNumPartitions()).isEqualTo(1 + 10 + 3 + 1 + 4);

    Random rnd = new Random(11);
    Map<String, Map<Integer, Integer>> oursPerBucket = new HashMap<>();
    Map<String, Map<Integer, Integer>> hudiPerBucket = new HashMap<>();
    int perDay = 30_000;
    for (String partition : inserts.keySet()) {
      for (int i = 0; i < perDay; i++) {
        // random keys and sequential ones, whose String hashes differ only in their last digits
        String id = i % 2 == 0 ? Long.toHexString(rnd.nextLong()) + "-" + i : "e" + (1_000_000 + i);
        HoodieKey key = new HoodieKey(id, partition);
        Pair<HoodieKey, Option<HoodieRecordLocation>> insert = Pair.of(key, Option.empty());
        int bucket = ours.getPartition(insert);
        int hudiBucket = hudi.getPartition(insert);
        assertThat(ours.getBucketInfo(bucket).getPartitionPath()).isEqualTo(partition);
        assertThat(ours.getPartition(insert)).as("the same key goes to the same bucket").isEqualTo(bucket);
        oursPerBucket.computeIfAbsent(partition, p -> new HashMap<>()).merge(bucket, 1, Integer::sum);
        hudiPerBucket.computeIfAbsent(partition, p -> new HashMap<>()).merge(hudiBucket, 1, Integer::sum);
      }
    }
    assertThat(newFileShares(ours, oursPerBucket.get("dt=2026-11-01"), perDay)).hasSize(10)
        .allSatisfy(share -> assertThat(share).isCloseTo(0.1, within(0.01)));
    assertThat(newFileShares(ours, oursPerBucket.get("dt=2026-11-02"), perDay)).hasSize(3)
        .allSatisfy(share -> assertThat(share).isCloseTo(1 / 3.0, within(0.02)));
    assertThat(newFileShares(ours, oursPerBucket.get("dt=2026-11-03"), perDay)).containsExactly(1.0);
    // Hudi leaves the last new file half full: the case the even spread is for.
    assertThat(newFileShares(hudi, hudiPerBucket.get("dt=2026-11-02"), perDay)).hasSize(3)
        .anySatisfy(share -> assertThat(share).isCloseTo(0.2, within(0.02)));

    Map<Integer, Integer> smallFileDay = oursPerBucket.get(SMALL_FILE_DAY);
    assertThat(smallFileDay).hasSize(4);
    int toSmallFile = smallFileDay.entrySet().stream()
        .filter(e -> ours.getBucketInfo(e.getKey()).getBucketType() == BucketType.UPDATE)
        .mapToInt(Map.Entry::getValue).sum();
    assertThat(toSmallFile).isBetween(perDay / 5, perDay / 2);
    // The small file takes the share of new keys Hudi gives it (the room left in it), within sampling noise.
    int hudiToSmallFile = hudiPerBucket.get(SMALL_FILE_DAY).entrySet().stream()
        .filter(e -> hudi.getBucketInfo(e.getKey()).getBucketType() == BucketType.UPDATE)
        .mapToInt(Map.Entry::getValue).sum();
    assertThat(toSmallFile / (double) perDay).isCloseTo(hudiToSmallFile / (double) perDay, within(0.015));
    double newShare = (perDay - toSmallFile) / 3.0 / perDay;
    assertThat(newFileShares(ours, smallFileDay, perDay)).hasSize(3)
        .allSatisfy(share -> assertThat(share).isCloseTo(newShare, within(0.02)));

    Pair<HoodieKey, Option<HoodieRecordLocation>> update = Pair.of(new HoodieKey("u", "dt=2026-11-01"), Option.of(old));
    assertThat(ours.getPartition(update)).isEqualTo(hudi.getPartition(update));
  }

  /** Each new file group's share of the keys the partition was offered. */
  private static List<Double> newFileShares(JavaUpsertPartitioner<?> partitioner, Map<Integer, Integer> perBucket,
                                            int offered) {
    return perBucket.entrySet().stream()
        .filter(e -> partitioner.getBucketInfo(e.getKey()).getBucketType() == BucketType.INSERT)
        .map(e -> e.getValue() / (double) offered).toList();
  }

  /** One committed file of 100 records in {@link #SMALL_FILE_DAY}, smaller than Hudi's small-file limit. */
  private void writeSmallFile(HoodieJavaEngineContext context, HoodieWriteConfig config) {
    List<HoodieRecord<HoodieAvroPayload>> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      GenericRecord r = new GenericData.Record(SCHEMA);
      r.put("id", "old-" + i);
      r.put("dt", SMALL_FILE_DAY);
      r.put("seq", (long) i);
      records.add(new HoodieAvroRecord<>(new HoodieKey("old-" + i, SMALL_FILE_DAY), new HoodieAvroPayload(Option.of(r))));
    }
    try (HoodieJavaWriteClient<HoodieAvroPayload> client = new HoodieJavaWriteClient<>(context, config)) {
      String instant = client.startCommit();
      client.insert(records, instant);
    }
  }
}
