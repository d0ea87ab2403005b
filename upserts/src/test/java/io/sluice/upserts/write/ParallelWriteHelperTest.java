package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.common.config.TypedProperties;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieRecordMerger;
import org.apache.hudi.common.util.HoodieRecordUtils;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.index.bloom.HoodieBloomIndex;
import org.apache.hudi.index.bloom.ListBasedHoodieBloomIndexHelper;
import org.apache.hudi.table.action.commit.JavaWriteHelper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parallel deduplication keeps exactly the records Hudi's own one-thread helper keeps. */
class ParallelWriteHelperTest {
  private static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type":"record","name":"E","fields":[
        {"name":"id","type":"string"},{"name":"p","type":"string"},
        {"name":"v","type":"long"},{"name":"seq","type":"long"}]}""");

  private static HoodieRecord<DefaultHoodieRecordPayload> record(String id, String partition, long v, long seq) {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("id", id);
    r.put("p", partition);
    r.put("v", v);
    r.put("seq", seq);
    return new HoodieAvroRecord<>(new HoodieKey(id, partition), new DefaultHoodieRecordPayload(r, seq));
  }

  /** key -> "v@seq" of every kept record; fails on a key kept twice. */
  private static Map<String, String> kept(List<? extends HoodieRecord<?>> records) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (HoodieRecord<?> r : records) {
      GenericRecord value = (GenericRecord) ((DefaultHoodieRecordPayload) r.getData()).getInsertValue(SCHEMA).get();
      String previous = out.put(r.getKey().toString(), value.get("v") + "@" + value.get("seq"));
      assertThat(previous).as("key %s kept twice", r.getKey()).isNull();
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5})
  @SuppressWarnings({"unchecked", "rawtypes"})
  void keepsWhatHudisOwnHelperKeeps(int threads) throws Exception {
    // 30K deliveries of 10K keys over 3 partitions: repeats with higher, lower and equal ordering values,
    // and the same record key in two partitions (a different record for a non-global index)
    Random random = new Random(42);
    List<HoodieRecord<DefaultHoodieRecordPayload>> batch = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      int key = random.nextInt(10_000);
      batch.add(record("k" + key, "dt=" + (key % 3 == 0 ? random.nextInt(2) : 0), i, random.nextInt(4)));
    }
    HoodieWriteConfig config = HoodieWriteConfig.newBuilder().withPath("/unused").withSchema(SCHEMA.toString())
        .forTable("t").build();
    HoodieIndex<?, ?> index = new HoodieBloomIndex(config, ListBasedHoodieBloomIndexHelper.getInstance());
    HoodieRecordMerger merger = HoodieRecordUtils.mergerToPreCombineMode(config.getRecordMerger());
    TypedProperties props = config.getProps();

    List<HoodieRecord<DefaultHoodieRecordPayload>> hudis = JavaWriteHelper.newInstance()
        .deduplicateRecords(batch, index, 1, SCHEMA.toString(), props, merger);
    List<HoodieRecord<DefaultHoodieRecordPayload>> ours = new ParallelWriteHelper<DefaultHoodieRecordPayload, Object>(threads)
        .deduplicateRecords(batch, index, 1, SCHEMA.toString(), props, merger);

    Map<String, String> expected = kept(hudis);
    assertThat(expected).hasSizeGreaterThan(10_000);   // keys in two partitions count twice
    assertThat(kept(ours)).isEqualTo(expected);
  }
}
