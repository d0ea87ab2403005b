package io.sluice.upserts.write;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.apache.hudi.avro.HoodieAvroUtils;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieRecordPayload;
import org.apache.hudi.common.util.ConfigUtils;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.keygen.constant.KeyGeneratorOptions;

/**
 * {@link DefaultHoodieRecordPayload}'s semantics (the higher ordering value wins, ties go to the
 * newer record, {@code _hoodie_is_deleted} or the configured delete marker deletes) for a record
 * the writer already holds in memory.
 *
 * <p>Hudi's payload encodes every record to Avro bytes when it is built and decodes it twice in the
 * write handle, which then copies it field by field into the schema with meta fields. This one keeps
 * the values, already laid out in that schema; {@link InMemoryRecord} builds the written row from
 * them without that copy. Only the writer sees it. The table's payload class stays
 * DefaultHoodieRecordPayload, which readers, log merging and compaction use. Records are encoded
 * only when Hudi spills them to disk (Kryo).
 */
public final class InMemoryPayload implements HoodieRecordPayload<InMemoryPayload>, KryoSerializable {

  private static final long serialVersionUID = 1L;
  // Spilled records are read back in the same JVM, so a schema travels as its index here.
  private static final List<Schema> SCHEMAS = new CopyOnWriteArrayList<>();
  /**
   * The delete rule this thread last resolved: a write handle asks every record with the same
   * properties, and looking the properties and field up each time was 5% of a batch's write threads.
   * Per thread, because concurrent handles may hold different configs (sized bloom filters).
   */
  private static final ThreadLocal<DeleteRule> LAST_DELETE_RULE = new ThreadLocal<>();

  // The record's values sit after `offset` meta-field slots of the layout; no copy of them is kept,
  // so a held batch costs no extra array per record.
  private IndexedRecord source;
  private int offset;
  private int schemaId;
  private Comparable<?> orderingVal;

  /** For Kryo. */
  public InMemoryPayload() {
  }

  private InMemoryPayload(IndexedRecord source, int offset, int schemaId, Comparable<?> orderingVal) {
    this.source = source;
    this.offset = offset;
    this.schemaId = schemaId;
    this.orderingVal = Objects.requireNonNull(orderingVal, "ordering value");
  }

  /** Builds payloads for records of one table schema; thread-safe. */
  public static Factory factory(Schema tableSchema) {
    return new Factory(tableSchema);
  }

  /** Payloads for records of one table schema. */
  public static final class Factory {
    private final int schemaId;
    private final int offset;
    private final EqualSchema isTableSchema;

    private Factory(Schema tableSchema) {
      Schema withMeta = HoodieAvroUtils.addMetadataFields(tableSchema, false);
      this.schemaId = register(withMeta);
      this.offset = withMeta.getFields().size() - tableSchema.getFields().size();
      this.isTableSchema = new EqualSchema(tableSchema);
    }

    /** A payload holding {@code record}'s values; the record must have the factory's schema. */
    public InMemoryPayload of(GenericRecord record, Comparable<?> orderingVal) {
      Schema s = record.getSchema();
      if (!isTableSchema.test(s)) {
        throw new IllegalArgumentException("record schema " + s.getFullName()
            + " differs from the table schema the payloads were made for");
      }
      return new InMemoryPayload(record, offset, schemaId, orderingVal);
    }
  }

  private static synchronized int register(Schema s) {
    int i = SCHEMAS.indexOf(s);
    if (i >= 0) {
      return i;
    }
    SCHEMAS.add(s);
    return SCHEMAS.size() - 1;
  }

  /** The value at position {@code i} of the meta-field layout; null in the meta-field slots. */
  private Object value(int i) {
    return i < offset ? null : source.get(i - offset);
  }

  /** The table schema with Hudi's meta fields in front, which the values are laid out in. */
  Schema schema() {
    return SCHEMAS.get(schemaId);
  }

  private GenericData.Record record() {
    return record(schema());
  }

  /** A fresh record each call (write handles set its meta fields in place), of a schema equal to {@link #schema()}. */
  GenericData.Record record(Schema as) {
    GenericData.Record r = new Utf8Record(as);
    for (int i = 0, n = as.getFields().size(); i < n; i++) {
      r.put(i, value(i));
    }
    return r;
  }

  /**
   * A record that stores every {@code String} put into it as {@link Utf8}: Parquet copies a Utf8's bytes
   * but runs a String through a CharsetEncoder, several times slower. Converted here, not when the
   * payload is built (a batch's records would hold both forms), and for the meta fields that Hudi's file
   * writer puts in as Strings after Sluice built the record: 10% of the write threads' time.
   */
  private static final class Utf8Record extends GenericData.Record {
    private static final ThreadLocal<SharedUtf8> SHARED = ThreadLocal.withInitial(SharedUtf8::new);

    Utf8Record(Schema schema) {
      super(schema);
    }

    @Override
    public void put(int i, Object v) {
      super.put(i, v instanceof String str ? SHARED.get().of(str) : v);
    }

    @Override
    public void put(String key, Object v) {
      super.put(key, v instanceof String str ? SHARED.get().of(str) : v);
    }
  }

  /**
   * The Utf8 last made on this thread for a String instance, found by identity. A write handle puts the
   * same file name, commit time and partition String into each of its records, and pooled values
   * (country, platform, source file) repeat one instance too, so their bytes are encoded once instead
   * of per record. Safe to share: nothing in the write path changes a Utf8 it is given.
   */
  static final class SharedUtf8 {
    private static final int SLOTS = 256;
    private final String[] strings = new String[SLOTS];
    private final Utf8[] utf8 = new Utf8[SLOTS];

    Utf8 of(String s) {
      int slot = System.identityHashCode(s) & (SLOTS - 1);
      if (strings[slot] == s) {
        return utf8[slot];
      }
      Utf8 u = new Utf8(s);
      strings[slot] = s;
      utf8[slot] = u;
      return u;
    }
  }

  boolean deleted(Properties props) {
    DeleteRule rule = LAST_DELETE_RULE.get();
    if (rule == null || rule.props() != props || rule.schemaId() != schemaId) {
      rule = DeleteRule.of(props, schemaId, schema());
      LAST_DELETE_RULE.set(rule);
    }
    return rule.pos() >= 0 && rule.deletes(value(rule.pos()));
  }

  /**
   * How a record of one schema says it is deleted under one set of payload properties (compared by
   * identity): {@code _hoodie_is_deleted} is true, or the configured delete field holds the marker.
   */
  private record DeleteRule(Properties props, int schemaId, int pos, String marker) {
    static DeleteRule of(Properties props, int schemaId, Schema schema) {
      String deleteKey = props == null ? null : props.getProperty(DefaultHoodieRecordPayload.DELETE_KEY);
      if (deleteKey == null || deleteKey.isEmpty()) {
        Schema.Field f = schema.getField(HoodieRecord.HOODIE_IS_DELETED_FIELD);
        return new DeleteRule(props, schemaId, f == null ? -1 : f.pos(), null);
      }
      String marker = props.getProperty(DefaultHoodieRecordPayload.DELETE_MARKER);
      if (marker == null || marker.isEmpty()) {
        throw new IllegalArgumentException(DefaultHoodieRecordPayload.DELETE_MARKER + " should be configured with "
            + DefaultHoodieRecordPayload.DELETE_KEY);
      }
      Schema.Field f = schema.getField(deleteKey);
      return new DeleteRule(props, schemaId, f == null ? -1 : f.pos(), marker);
    }

    boolean deletes(Object value) {
      return marker == null ? Boolean.TRUE.equals(value) : value != null && marker.equals(value.toString());
    }
  }

  @Override
  public InMemoryPayload preCombine(InMemoryPayload oldValue) {
    return compare(oldValue.orderingVal, orderingVal) > 0 ? oldValue : this;
  }

  @Override
  public Option<IndexedRecord> combineAndGetUpdateValue(IndexedRecord currentValue, Schema schema) {
    return combineAndGetUpdateValue(currentValue, schema, new Properties());
  }

  @Override
  public Option<IndexedRecord> combineAndGetUpdateValue(IndexedRecord currentValue, Schema schema, Properties props) {
    GenericData.Record incoming = record();
    if (!olderThan(currentValue, incoming, props)) {
      return Option.of(currentValue);
    }
    return deleted(props) ? Option.empty() : Option.of(incoming);
  }

  // As DefaultHoodieRecordPayload: without an ordering field, the incoming record always wins.
  private static boolean olderThan(IndexedRecord current, GenericRecord incomingRecord, Properties props) {
    String orderField = ConfigUtils.getOrderingField(props);
    if (orderField == null) {
      return true;
    }
    boolean consistent = Boolean.parseBoolean(props.getProperty(
        KeyGeneratorOptions.KEYGENERATOR_CONSISTENT_LOGICAL_TIMESTAMP_ENABLED.key(),
        KeyGeneratorOptions.KEYGENERATOR_CONSISTENT_LOGICAL_TIMESTAMP_ENABLED.defaultValue()));
    Object persisted = HoodieAvroUtils.getNestedFieldVal((GenericRecord) current, orderField, true, consistent);
    Object incoming = HoodieAvroUtils.getNestedFieldVal(incomingRecord, orderField, true, consistent);
    return persisted == null || compare(persisted, incoming) <= 0;
  }

  // Values read from files hold strings as Utf8, records from ingest may hold String.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof CharSequence && b instanceof CharSequence) {
      return a.toString().compareTo(b.toString());
    }
    return ((Comparable) a).compareTo(b);
  }

  @Override
  public Option<IndexedRecord> getInsertValue(Schema schema) {
    return getInsertValue(schema, new Properties());
  }

  @Override
  public Option<IndexedRecord> getInsertValue(Schema schema, Properties props) {
    return deleted(props) ? Option.empty() : Option.of(record());
  }

  @Override
  public Comparable<?> getOrderingValue() {
    return orderingVal;
  }

  @Override
  public void write(Kryo kryo, Output output) {
    output.writeInt(schemaId, true);
    kryo.writeClassAndObject(output, orderingVal);
    byte[] bytes = HoodieAvroUtils.avroToBytes(record());
    output.writeInt(bytes.length, true);
    output.writeBytes(bytes);
  }

  @Override
  public void read(Kryo kryo, Input input) {
    schemaId = input.readInt(true);
    orderingVal = (Comparable<?>) kryo.readClassAndObject(input);
    byte[] b = input.readBytes(input.readInt(true));
    Schema s = schema();
    try {
      source = HoodieAvroUtils.bytesToAvro(b, s);
      offset = 0;
    } catch (IOException e) {
      throw new UncheckedIOException("decoding a spilled record", e);
    }
  }
}
