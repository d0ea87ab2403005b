package io.sluice.upserts.write;

import java.io.IOException;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.util.ParquetUtils;
import org.apache.hudi.common.util.StringUtils;
import org.apache.hudi.common.util.collection.ClosableIterator;
import org.apache.hudi.common.util.queue.HoodieExecutor;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.exception.HoodieException;
import org.apache.hudi.io.HoodieMergeHandle;
import org.apache.hudi.io.storage.HoodieFileReader;
import org.apache.hudi.io.storage.HoodieIOFactory;
import org.apache.hudi.storage.StoragePath;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.action.commit.BaseMergeHelper;
import org.apache.hudi.util.ExecutorFactory;

/**
 * A COW merge that reads the base file in the write schema when the file's own Avro schema, kept in
 * its footer, is the write schema. Hudi derives a file's schema from its Parquet schema, which loses
 * what Parquet cannot express (an enum comes back as a string), so it rewrote every copied record of
 * such a table field by field into the write schema (5% of the end-to-end batch's write threads, whose
 * events carry an enum). Any other file (another schema, bootstrap, schema-on-read, an external
 * transformation, a non-Avro merger) goes through Hudi's own merge.
 */
final class FooterSchemaMerge extends BaseMergeHelper {
  private static final FooterSchemaMerge INSTANCE = new FooterSchemaMerge();
  /** Where parquet-avro's writer keeps the Avro schema in the footer (package-private there). */
  private static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

  private FooterSchemaMerge() {}

  /** Runs the merge and returns true, or returns false and leaves it to Hudi's merge helper. */
  static boolean runIfSameSchema(HoodieTable<?, ?, ?, ?> table, HoodieMergeHandle<?, ?, ?, ?> handle) throws IOException {
    HoodieWriteConfig config = table.getConfig();
    if (handle.getOldFilePath() == null || handle.baseFileForMerge().getBootstrapBaseFile().isPresent()
        || !StringUtils.isNullOrEmpty(config.getInternalSchema()) || config.shouldUseExternalSchemaTransformation()
        || config.getRecordMerger().getRecordType() != HoodieRecord.HoodieRecordType.AVRO
        || !handle.getOldFilePath().getName().endsWith(".parquet")) {
      return false;
    }
    if (!handle.getWriterSchemaWithMetaFields().equals(footerSchema(table, handle.getOldFilePath()))) {
      return false;
    }
    INSTANCE.runMerge(table, handle);
    return true;
  }

  private static Schema footerSchema(HoodieTable<?, ?, ?, ?> table, StoragePath file) {
    String json = ParquetUtils.readMetadata(table.getStorage(), file).getFileMetaData().getKeyValueMetaData()
        .get(AVRO_SCHEMA_KEY);
    return json == null ? null : new Schema.Parser().parse(json);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void runMerge(HoodieTable<?, ?, ?, ?> table, HoodieMergeHandle<?, ?, ?, ?> handle) throws IOException {
    HoodieWriteConfig config = table.getConfig();
    StoragePath file = handle.getOldFilePath();
    HoodieFileReader reader = HoodieIOFactory.getIOFactory(table.getStorage().newInstance(file,
            table.getStorageConf().newInstance()))
        .getReaderFactory(HoodieRecord.HoodieRecordType.AVRO).getFileReader(config, file);
    HoodieExecutor<Void> executor = null;
    try {
      ClosableIterator<HoodieRecord> records = reader.getRecordIterator(handle.getWriterSchemaWithMetaFields());
      // A buffering executor queues records, so each must be a copy (as in Hudi's helper).
      boolean buffering = ExecutorFactory.isBufferingRecords(config);
      Function<HoodieRecord, HoodieRecord> copy = r -> buffering ? r.copy() : r;
      executor = ExecutorFactory.create(config, records, new UpdateHandler(handle) { }, copy, table.getPreExecuteRunnable());
      executor.execute();
    } catch (Exception e) {
      throw new HoodieException(e);
    } finally {
      // A started executor closes the records and, through the update handler, the merge handle.
      if (executor != null) {
        executor.shutdownNow();
        executor.awaitTermination();
      } else {
        reader.close();
        handle.close();
      }
    }
  }
}
