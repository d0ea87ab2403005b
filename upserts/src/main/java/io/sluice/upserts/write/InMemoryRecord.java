package io.sluice.upserts.write;

import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieOperation;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.MetadataValues;
import org.apache.hudi.common.model.RewriteAvroPayload;

/**
 * A Hudi record carrying an {@link InMemoryPayload}, which builds its written form straight in the
 * write handle's schema.
 *
 * <p>Hudi's {@code prependMetaFields} compares the record's schema with the handle's for every
 * record, and Avro's {@code Schema.equals} walks both schemas field by field: 8% of a write
 * thread's time. A handle keeps one schema instance for all its records, so a thread remembers
 * the last instance found equal and builds the record in it.
 */
public final class InMemoryRecord extends HoodieAvroRecord<InMemoryPayload> {

  // {own, target}: the last pair of distinct instances this thread found equal
  private static final ThreadLocal<Schema[]> VERIFIED = ThreadLocal.withInitial(() -> new Schema[2]);

  public InMemoryRecord(HoodieKey key, InMemoryPayload data) {
    super(key, data);
  }

  private InMemoryRecord(HoodieKey key, InMemoryPayload data, HoodieOperation op) {
    super(key, data, op);
  }

  private InMemoryRecord(InMemoryRecord other) {
    super(other);
  }

  /** For Kryo. */
  public InMemoryRecord() {
  }

  @Override
  public HoodieRecord<InMemoryPayload> newInstance() {
    return new InMemoryRecord(this);
  }

  @Override
  public HoodieRecord<InMemoryPayload> newInstance(HoodieKey key, HoodieOperation op) {
    return new InMemoryRecord(key, data, op);
  }

  @Override
  public HoodieRecord<InMemoryPayload> newInstance(HoodieKey key) {
    return new InMemoryRecord(key, data);
  }

  // Hudi's record asks the payload for its whole Avro record only to see whether there is one.
  @Override
  public boolean isDelete(Schema recordSchema, Properties props) {
    return getData().deleted(props);
  }

  @Override
  public HoodieRecord prependMetaFields(Schema recordSchema, Schema targetSchema, MetadataValues metadataValues,
      Properties props) {
    InMemoryPayload payload = getData();
    if (!sameLayout(payload.schema(), targetSchema) || payload.deleted(props)) {
      return super.prependMetaFields(recordSchema, targetSchema, metadataValues, props);
    }
    GenericData.Record r = payload.record(targetSchema);
    String[] meta = metadataValues.getValues();
    for (int i = 0; i < meta.length; i++) {
      if (meta[i] != null) {
        r.put(HoodieMetadataField.values()[i].getFieldName(), meta[i]);
      }
    }
    return new HoodieAvroRecord<>(getKey(), new RewriteAvroPayload(r), getOperation(), currentLocation, newLocation);
  }

  private static boolean sameLayout(Schema own, Schema target) {
    Schema[] verified = VERIFIED.get();
    if (own == target || verified[0] == own && verified[1] == target) {
      return true;
    }
    if (own.equals(target)) {
      verified[0] = own;
      verified[1] = target;
      return true;
    }
    return false;
  }
}
