package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.testing.TestPipeline;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.data.HoodieListData;
import org.apache.hudi.common.model.EmptyHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.index.bloom.HoodieBloomIndex;
import org.apache.hudi.index.bloom.ListBasedHoodieBloomIndexHelper;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;
import org.apache.hudi.table.HoodieJavaTable;
import org.apache.hudi.table.HoodieTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parallel bloom lookup tags every record with the location Hudi's sequential lookup gives it. */
class ParallelBloomIndexHelperTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_715_000_000_000L;

  @TempDir Path dir;

  @Test
  void tagsTheSameLocationsAsHudisListBasedLookup() throws Exception {
    PipelineSpec spec = TestPipeline.keyedEvents(dir).name("bi").hudi("""
        # small inserts start new file groups instead of filling the small files
        hoodie.copyonwrite.insert.auto.split: "false"
        hoodie.copyonwrite.insert.split.size: "100"
        """).create();
    MiniBatch mb = new MiniBatch(spec, new Configuration());
    // Two batches, each writing new file groups in three partitions: several files to check per partition.
    for (int batch = 0; batch < 2; batch++) {
      StringBuilder b = new StringBuilder();
      for (int k = batch * 600; k < (batch + 1) * 600; k++) {
        b.append(String.format("{\"id\":\"k%d\",\"v\":%d,\"ts\":%d,\"seq\":1}%n", k, k, T0 + (k % 3) * DAY));
      }
      Files.writeString(TestPipeline.landing(spec).resolve(batch + ".jsonl"), b);
      mb.runOnce();
    }
    HudiTable events = mb.events();
    List<HoodieRecord<EmptyHoodieRecordPayload>> records = new ArrayList<>();
    Map<String, String> partitionOf = new HashMap<>();
    for (GenericRecord r : new SnapshotReader(events, mb.tableSchema()).read(null)) {
      String key = r.get(HoodieRecord.RECORD_KEY_METADATA_FIELD).toString();
      String partition = r.get(HoodieRecord.PARTITION_PATH_METADATA_FIELD).toString();
      partitionOf.put(key, partition);
      records.add(new HoodieAvroRecord<>(new HoodieKey(key, partition), new EmptyHoodieRecordPayload()));
    }
    List<String> partitions = new ArrayList<>(new HashSet<>(partitionOf.values()));
    for (int k = 5000; k < 5300; k++) {
      records.add(new HoodieAvroRecord<>(new HoodieKey("k" + k, partitions.get(k % partitions.size())),
          new EmptyHoodieRecordPayload()));
    }

    HoodieWriteConfig config = events.writeConfig(mb.tableSchema());
    HoodieJavaEngineContext context = new HoodieJavaEngineContext(new HadoopStorageConfiguration(new Configuration()));
    HoodieTable table = HoodieJavaTable.create(config, context);
    Map<String, String> hudi = locations(new HoodieBloomIndex(config, ListBasedHoodieBloomIndexHelper.getInstance()),
        records, context, table);
    HoodieIndex<?, ?> parallel = ParallelBloomIndexHelper.index(config);
    Map<String, String> ours = locations(parallel, records, context, table);

    assertThat(parallel).isInstanceOf(HoodieBloomIndex.class);
    assertThat(new HashSet<>(hudi.values())).as("file groups holding the keys").hasSizeGreaterThan(partitions.size());
    assertThat(hudi).hasSize(1200).containsOnlyKeys(partitionOf.keySet());
    assertThat(ours).isEqualTo(hudi);
  }

  /** Key to file id and instant of every record the index found; new keys are left out. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, String> locations(HoodieIndex index, List<HoodieRecord<EmptyHoodieRecordPayload>> records,
                                               HoodieJavaEngineContext context, HoodieTable table) {
    Map<String, String> found = new HashMap<>();
    List<?> tagged = index.tagLocation(HoodieListData.eager(new ArrayList<>(records)), context, table).collectAsList();
    assertThat(tagged).as("every record comes back once, new keys untagged").hasSameSizeAs(records);
    for (int i = 0; i < tagged.size(); i++) {
      assertThat(((HoodieRecord<?>) tagged.get(i)).getRecordKey()).as("record %d in order", i)
          .isEqualTo(records.get(i).getRecordKey());
    }
    for (Object o : tagged) {
      HoodieRecord<?> r = (HoodieRecord<?>) o;
      if (r.isCurrentLocationKnown()) {
        String previous = found.put(r.getRecordKey(), r.getCurrentLocation().getFileId() + "@"
            + r.getCurrentLocation().getInstantTime());
        assertThat(previous).as("key %s tagged twice", r.getRecordKey()).isNull();
      }
    }
    return found;
  }
}
