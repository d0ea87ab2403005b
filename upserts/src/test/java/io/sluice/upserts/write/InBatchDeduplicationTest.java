package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.config.HoodieIndexConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.index.JavaHoodieIndexFactory;
import org.apache.hudi.table.action.commit.JavaWriteHelper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sluice's one-pass deduplication keeps exactly the records Hudi's combine-before-upsert keeps. */
class InBatchDeduplicationTest {
  private static final Schema SCHEMA = SchemaBuilder.record("E").namespace("t").fields()
      .requiredString("id").requiredString("dt").requiredLong("seq").optionalLong("v")
      .name(HoodieRecord.HOODIE_IS_DELETED_FIELD).type().booleanType().booleanDefault(false)
      .endRecord();

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(value = HoodieIndex.IndexType.class, names = {"BLOOM", "GLOBAL_SIMPLE"})
  void keepsHudisWinnerForEveryKeyInFirstArrivalOrder(HoodieIndex.IndexType index) {
    HoodieWriteConfig config = HoodieWriteConfig.newBuilder().withPath(dir.toString()).forTable("e")
        .withSchema(SCHEMA.toString())
        .withIndexConfig(HoodieIndexConfig.newBuilder().withIndexType(index).build())
        .withProps(Map.of("hoodie.datasource.write.precombine.field", "seq", "hoodie.payload.ordering.field", "seq"))
        .build();
    boolean global = JavaHoodieIndexFactory.createIndex(config).isGlobal();
    assertThat(global).isEqualTo(index == HoodieIndex.IndexType.GLOBAL_SIMPLE);

    // 600 keys over 3 days, 6,000 records: repeats within and across days, ordering ties and deletes.
    Random rnd = new Random(7);
    InMemoryPayload.Factory payloads = InMemoryPayload.factory(SCHEMA);
    List<HoodieRecord<InMemoryPayload>> batch = new ArrayList<>();
    for (int i = 0; i < 6000; i++) {
      GenericRecord r = new GenericData.Record(SCHEMA);
      String id = "k" + rnd.nextInt(600);
      String dt = "2026-11-0" + (1 + rnd.nextInt(3));
      long seq = rnd.nextInt(4);
      r.put("id", id);
      r.put("dt", dt);
      r.put("seq", seq);
      r.put("v", (long) i);
      r.put(HoodieRecord.HOODIE_IS_DELETED_FIELD, rnd.nextInt(10) == 0);
      batch.add(new InMemoryRecord(new HoodieKey(id, "dt=" + dt), payloads.of(r, seq)));
    }

    List<HoodieRecord<InMemoryPayload>> ours = InBatchDeduplication.apply(new ArrayList<>(batch), config, global);
    List<HoodieRecord<InMemoryPayload>> hudis = JavaWriteHelper.<InMemoryPayload>newInstance().deduplicateRecords(
        new ArrayList<>(batch), JavaHoodieIndexFactory.createIndex(config), 2, config.getSchema(), config.getProps(),
        org.apache.hudi.common.util.HoodieRecordUtils.mergerToPreCombineMode(config.getRecordMerger()));

    Map<Object, HoodieRecord<InMemoryPayload>> expected = new LinkedHashMap<>();
    hudis.forEach(h -> expected.put(global ? h.getRecordKey() : h.getKey(), h));
    assertThat(ours).hasSameSizeAs(hudis).hasSizeLessThan(batch.size());
    for (HoodieRecord<InMemoryPayload> o : ours) {
      HoodieRecord<InMemoryPayload> h = expected.get(global ? o.getRecordKey() : o.getKey());
      assertThat(h).as("Hudi kept a record for %s", o.getKey()).isNotNull();
      assertThat(o.getKey()).isEqualTo(h.getKey());
      assertThat(o.getOperation()).isEqualTo(h.getOperation());
      assertThat(o.getData()).as("winner for %s", o.getKey()).isSameAs(h.getData());
    }

    List<Object> firstArrivals = new ArrayList<>();
    for (HoodieRecord<InMemoryPayload> r : batch) {
      Object k = global ? r.getRecordKey() : r.getKey();
      if (!firstArrivals.contains(k)) {
        firstArrivals.add(k);
      }
    }
    List<Object> order = new ArrayList<>();
    ours.forEach(o -> order.add(global ? o.getRecordKey() : o.getKey()));
    assertThat(order).isEqualTo(firstArrivals);
  }
}
