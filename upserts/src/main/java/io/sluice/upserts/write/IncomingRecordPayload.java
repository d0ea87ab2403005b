package io.sluice.upserts.write;

import java.io.IOException;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodiePayloadProps;
import org.apache.hudi.common.util.Option;

/**
 * Hudi's {@link DefaultHoodieRecordPayload} for a record of the incoming batch that also keeps the
 * record it was built from. Hudi decodes a payload's bytes once to test for a delete and once more to
 * write the record; asked in the record's own schema, this answers from the kept record instead. Only
 * incoming records use it: the table's payload class stays {@code DefaultHoodieRecordPayload}, and
 * readers, compaction and spilled copies (the kept record is transient) decode bytes as before.
 */
public final class IncomingRecordPayload extends DefaultHoodieRecordPayload {
  private static final long serialVersionUID = 1L;

  /** The last write schema found equal to the records' schema; Avro's deep {@code equals} is slow per record. */
  private static volatile Schema[] knownEqual = new Schema[2];

  private final transient GenericRecord record;

  public IncomingRecordPayload(GenericRecord record, Comparable<?> ordering) {
    super(record, ordering);
    this.record = record;
  }

  @Override
  public boolean isDeleted(Schema schema, Properties props) {
    return kept(schema) ? isDeleteRecord(record, props) : super.isDeleted(schema, props);
  }

  @Override
  public Option<IndexedRecord> getInsertValue(Schema schema) throws IOException {
    if (!kept(schema)) {
      return super.getInsertValue(schema);
    }
    return isDeletedRecord ? Option.empty() : Option.of(record);
  }

  @Override
  public Option<IndexedRecord> getInsertValue(Schema schema, Properties props) throws IOException {
    // The event-time commit metadata is tracked only by the decoding path, so leave that case to it.
    if (!kept(schema) || props.getProperty(HoodiePayloadProps.PAYLOAD_EVENT_TIME_FIELD_PROP_KEY) != null) {
      return super.getInsertValue(schema, props);
    }
    return isDeleteRecord(record, props) ? Option.empty() : Option.of(record);
  }

  private boolean kept(Schema asked) {
    if (record == null) {
      return false;
    }
    Schema own = record.getSchema();
    Schema[] known = knownEqual;
    if (asked == own || asked == known[0] && own == known[1]) {
      return true;
    }
    if (!asked.equals(own)) {
      return false;
    }
    knownEqual = new Schema[] {asked, own};
    return true;
  }
}
