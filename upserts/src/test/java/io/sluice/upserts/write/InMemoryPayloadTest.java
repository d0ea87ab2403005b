package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.apache.hudi.avro.HoodieAvroUtils;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodiePayloadProps;
import org.apache.hudi.common.model.MetadataValues;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.common.util.DefaultSizeEstimator;
import org.apache.hudi.common.util.HoodieRecordSizeEstimator;
import org.apache.hudi.common.util.SerializationUtils;
import org.apache.hudi.common.util.collection.ExternalSpillableMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** InMemoryPayload answers every question Hudi's writer asks exactly as DefaultHoodieRecordPayload does. */
class InMemoryPayloadTest {
  private static final Schema SCHEMA = SchemaBuilder.record("E").namespace("t").fields()
      .requiredString("id").requiredLong("seq").optionalString("tag").optionalLong("v")
      .name(HoodieRecord.HOODIE_IS_DELETED_FIELD).type().booleanType().booleanDefault(false)
      .endRecord();
  private static final Schema WITH_META = HoodieAvroUtils.addMetadataFields(SCHEMA, false);
  private final InMemoryPayload.Factory factory = InMemoryPayload.factory(SCHEMA);

  private static GenericRecord event(long seq, String tag, Long v, boolean deleted) {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("id", "k1");
    r.put("seq", seq);
    r.put("tag", tag);
    r.put("v", v);
    r.put(HoodieRecord.HOODIE_IS_DELETED_FIELD, deleted);
    return r;
  }

  /** The stored image of a record, as a merge handle reads it from a base file: meta fields, Utf8 strings. */
  private static GenericRecord persisted(long seq, long v) {
    GenericRecord r = new GenericData.Record(WITH_META);
    r.put(HoodieRecord.RECORD_KEY_METADATA_FIELD, new Utf8("k1"));
    r.put("id", new Utf8("k1"));
    r.put("seq", seq);
    r.put("tag", new Utf8("old"));
    r.put("v", v);
    r.put(HoodieRecord.HOODIE_IS_DELETED_FIELD, false);
    return r;
  }

  private static Properties props(boolean ordered, String deleteKey, String marker) {
    Properties p = new Properties();
    if (ordered) {
      p.setProperty(HoodiePayloadProps.PAYLOAD_ORDERING_FIELD_PROP_KEY, "seq");
    }
    if (deleteKey != null) {
      p.setProperty(DefaultHoodieRecordPayload.DELETE_KEY, deleteKey);
      p.setProperty(DefaultHoodieRecordPayload.DELETE_MARKER, marker);
    }
    return p;
  }

  /** A record's fields by name, so records in the plain and the meta-field schema compare. */
  private static List<String> fields(Option<IndexedRecord> r) {
    List<String> out = new ArrayList<>();
    if (r.isPresent()) {
      GenericRecord g = (GenericRecord) r.get();
      for (Schema.Field f : SCHEMA.getFields()) {
        out.add(f.name() + "=" + g.get(f.name()));
      }
    }
    return out;
  }

  @Test
  void answersAsDefaultHoodieRecordPayloadDoes() throws Exception {
    List<Properties> configs = List.of(props(true, null, null), props(false, null, null),
        props(true, "tag", "gone"), props(true, "tag", "kept"));
    int cases = 0;
    for (Properties p : configs) {
      for (long seq : new long[] {4, 5, 6}) {
        for (boolean deleted : new boolean[] {false, true}) {
          for (String tag : new String[] {"gone", null}) {
            GenericRecord in = event(seq, tag, seq * 10, deleted);
            DefaultHoodieRecordPayload hudi = new DefaultHoodieRecordPayload(in, seq);
            InMemoryPayload ours = factory.of(in, seq);
            String c = "seq " + seq + " deleted " + deleted + " tag " + tag + " props " + p;

            assertThat(fields(ours.getInsertValue(SCHEMA, p))).as(c).isEqualTo(fields(hudi.getInsertValue(SCHEMA, p)));
            assertThat(new HoodieAvroRecord<>(null, ours).isDelete(SCHEMA, p)).as(c)
                .isEqualTo(new HoodieAvroRecord<>(null, hudi).isDelete(SCHEMA, p));
            assertThat(new InMemoryRecord(null, ours).isDelete(SCHEMA, p)).as(c)
                .isEqualTo(new HoodieAvroRecord<>(null, hudi).isDelete(SCHEMA, p));
            GenericRecord stored = persisted(5, 50);
            assertThat(fields(ours.combineAndGetUpdateValue(stored, SCHEMA, p))).as(c)
                .isEqualTo(fields(hudi.combineAndGetUpdateValue(stored, SCHEMA, p)));

            GenericRecord other = event(5, "x", 99L, false);
            assertThat(ours.preCombine(factory.of(other, 5L)).getOrderingValue()).as(c)
                .isEqualTo(hudi.preCombine(new DefaultHoodieRecordPayload(other, 5L)).getOrderingValue());
            assertThat(fields(ours.preCombine(factory.of(other, 5L)).getInsertValue(SCHEMA, p))).as(c)
                .isEqualTo(fields(hudi.preCombine(new DefaultHoodieRecordPayload(other, 5L)).getInsertValue(SCHEMA, p)));
            cases++;
          }
        }
      }
    }
    assertThat(cases).isEqualTo(48);
  }

  @Test
  void anIncomingRecordOlderThanTheStoredOneKeepsTheStoredOne() {
    Option<IndexedRecord> merged = factory.of(event(3, "new", 30L, false), 3L)
        .combineAndGetUpdateValue(persisted(5, 50), SCHEMA, props(true, null, null));
    assertThat(((GenericRecord) merged.get()).get("v")).isEqualTo(50L);
    Option<IndexedRecord> newer = factory.of(event(7, "new", 70L, false), 7L)
        .combineAndGetUpdateValue(persisted(5, 50), SCHEMA, props(true, null, null));
    assertThat(((GenericRecord) newer.get()).get("v")).isEqualTo(70L);
  }

  @Test
  void handsWriteHandlesARecordTheirMetaFieldRewriteNeedNotCopy() throws Exception {
    IndexedRecord r = factory.of(event(1, "a", 1L, false), 1L).getInsertValue(SCHEMA, new Properties()).get();
    // The handle's own schema is parsed from the write config's string, so equal but not the same object.
    Schema handleSchema = HoodieAvroUtils.addMetadataFields(new Schema.Parser().parse(SCHEMA.toString()), false);
    assertThat(HoodieAvroUtils.rewriteRecordWithNewSchema(r, handleSchema)).isSameAs(r);
    // a fresh record each time: handles set meta fields in place
    assertThat(factory.of(event(1, "a", 1L, false), 1L).getInsertValue(SCHEMA).get()).isNotSameAs(r);
  }

  @Test
  void survivesHudisKryoSpillRoundTrip() throws Exception {
    HoodieAvroRecord<InMemoryPayload> rec = new InMemoryRecord(new HoodieKey("k1", "dt=2024-01-01"),
        factory.of(event(9, "spilled", null, false), 9L));
    HoodieAvroRecord<InMemoryPayload> back = SerializationUtils.deserialize(SerializationUtils.serialize(rec));
    assertThat(back).isInstanceOf(InMemoryRecord.class);
    assertThat(back.getKey()).isEqualTo(rec.getKey());
    assertThat(back.getData().getOrderingValue()).isEqualTo(9L);
    assertThat(fields(back.getData().getInsertValue(SCHEMA))).isEqualTo(fields(rec.getData().getInsertValue(SCHEMA)))
        .contains("tag=spilled", "v=null");
  }

  /** The map a merge handle keeps its incoming records in, given too little memory to hold them. */
  @Test
  void spillsToAndReadsBackFromHudisDiskMap(@TempDir Path dir) throws Exception {
    ExternalSpillableMap<String, HoodieRecord<InMemoryPayload>> map = new ExternalSpillableMap<>(1L, dir.toString(),
        new DefaultSizeEstimator<>(), new HoodieRecordSizeEstimator<>(SCHEMA));
    try {
      for (int i = 0; i < 50; i++) {
        map.put("k" + i, new InMemoryRecord(new HoodieKey("k" + i, "p"), factory.of(event(i, "t" + i, (long) i, false), (long) i)));
      }
      assertThat(map.getDiskBasedMapNumEntries()).isGreaterThan(40);
      for (int i = 0; i < 50; i++) {
        assertThat(fields(map.get("k" + i).getData().getInsertValue(SCHEMA))).contains("tag=t" + i, "v=" + i);
      }
    } finally {
      map.close();
    }
  }

  /** What a create handle writes: Hudi's record with its payload, and ours, give the same row. */
  @Test
  void prependsMetaFieldsAsHudisRecordDoes() throws Exception {
    GenericRecord in = event(3, "t", 30L, false);
    MetadataValues meta = new MetadataValues().setCommitTime("20240101000000000").setCommitSeqno("c_1")
        .setRecordKey("k1").setPartitionPath("dt=2024-01-01").setFileName("f.parquet");
    HoodieKey key = new HoodieKey("k1", "dt=2024-01-01");
    for (boolean withOperation : new boolean[] {false, true}) {
      // a handle parses its schema from the write config: equal to the payload's, another instance
      Schema target = HoodieAvroUtils.addMetadataFields(new Schema.Parser().parse(SCHEMA.toString()), withOperation);
      HoodieRecord<?> expected = new HoodieAvroRecord<>(key, new DefaultHoodieRecordPayload(in, 3L))
          .prependMetaFields(SCHEMA, target, meta, new Properties());
      HoodieRecord<InMemoryPayload> ours = new InMemoryRecord(key, factory.of(in, 3L)).newInstance();
      assertThat(ours).isInstanceOf(InMemoryRecord.class);
      GenericRecord actual = (GenericRecord) ((HoodieAvroRecord<?>) ours.prependMetaFields(SCHEMA, target, meta,
          new Properties())).getData().getInsertValue(target).get();
      GenericRecord want = (GenericRecord) ((HoodieAvroRecord<?>) expected).getData().getInsertValue(target).get();
      assertThat(actual.getSchema()).isSameAs(withOperation ? want.getSchema() : target);
      for (Schema.Field f : target.getFields()) {
        assertThat(String.valueOf(actual.get(f.name()))).as(f.name()).isEqualTo(String.valueOf(want.get(f.name())));
      }
      assertThat(actual.get(HoodieRecord.COMMIT_SEQNO_METADATA_FIELD).toString()).isEqualTo("c_1");
    }
  }

  /** Records of one thread share the Utf8 of a String instance they repeat, and never mix up values. */
  @Test
  void recordsShareTheBytesOfARepeatedStringInstance() throws Exception {
    String tag = new String("shared-tag".toCharArray());
    GenericRecord a = (GenericRecord) factory.of(event(1, tag, 1L, false), 1L).getInsertValue(SCHEMA).get();
    GenericRecord b = (GenericRecord) factory.of(event(2, tag, 2L, false), 2L).getInsertValue(SCHEMA).get();
    GenericRecord c = (GenericRecord) factory.of(event(3, new String(tag.toCharArray()), 3L, false), 3L)
        .getInsertValue(SCHEMA).get();
    assertThat(a.get("tag")).isInstanceOf(Utf8.class).isSameAs(b.get("tag")).isEqualTo(c.get("tag"));
    assertThat(c.get("tag")).isNotSameAs(a.get("tag"));
    InMemoryPayload.SharedUtf8 shared = new InMemoryPayload.SharedUtf8();
    for (int i = 0; i < 2_000; i++) {
      String s = "v" + (i % 300);
      assertThat(shared.of(s).toString()).isEqualTo(s);
    }
  }

  @Test
  void refusesARecordOfAnotherSchema() {
    Schema other = SchemaBuilder.record("F").fields().requiredString("id").endRecord();
    GenericRecord r = new GenericData.Record(other);
    r.put("id", "x");
    assertThatThrownBy(() -> factory.of(r, 1L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differs from the table schema");
  }
}
