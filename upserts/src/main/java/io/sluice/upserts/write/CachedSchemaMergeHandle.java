package io.sluice.upserts.write;

import java.io.IOException;
import java.util.Iterator;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.hudi.common.engine.TaskContextSupplier;
import org.apache.hudi.common.model.HoodieAvroIndexedRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.io.HoodieMergeHandle;
import org.apache.hudi.table.HoodieTable;

/**
 * Hudi's merge handle, comparing the base file's record schema with the write schema once per schema
 * instance instead of once per copied record. Hudi's {@code prependMetaFields} calls Avro's deep
 * {@code Schema.equals} for every unchanged record it copies, because parquet-avro parses its own
 * instance of an equal schema; that was ~15% of a COW upsert's write threads. Records whose schema
 * differs still go through Hudi's rewrite.
 */
final class CachedSchemaMergeHandle<T, I, K, O> extends HoodieMergeHandle<T, I, K, O> {
  private final EqualSchema isWriteSchema;
  /** The new file's name as Avro bytes: a String would be encoded to UTF-8 again for every record. */
  private Utf8 fileName;

  CachedSchemaMergeHandle(HoodieWriteConfig config, String instantTime, HoodieTable<T, I, K, O> table,
                          Iterator<HoodieRecord<T>> records, String partitionPath, String fileId,
                          TaskContextSupplier taskContext) {
    super(config, instantTime, table, records, partitionPath, fileId, taskContext, Option.empty());
    this.isWriteSchema = new EqualSchema(writeSchemaWithMetaFields);
  }

  @Override
  protected void writeToFile(HoodieKey key, HoodieRecord<T> record, Schema schema, Properties props,
                             boolean preserveRecordMetadata) throws IOException {
    if (!(record instanceof HoodieAvroIndexedRecord) || !(record.getData() instanceof GenericRecord data)
        || !isWriteSchema.test(data.getSchema())) {
      super.writeToFile(key, record, schema, props, preserveRecordMetadata);
      return;
    }
    // What prependMetaFields does to a record already in the write schema: point it at the new file.
    if (fileName == null) {
      fileName = new Utf8(newFilePath.getName());
    }
    data.put(HoodieRecord.FILENAME_META_FIELD_ORD, fileName);
    if (preserveRecordMetadata) {
      fileWriter.write(key.getRecordKey(), record, writeSchemaWithMetaFields);
    } else {
      fileWriter.writeWithMetadata(key, record, writeSchemaWithMetaFields);
    }
  }
}
