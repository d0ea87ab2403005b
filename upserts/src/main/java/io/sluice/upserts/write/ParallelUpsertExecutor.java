package io.sluice.upserts.write;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.io.HoodieMergeHandle;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.WorkloadProfile;
import org.apache.hudi.table.action.HoodieWriteMetadata;
import org.apache.hudi.table.action.commit.JavaUpsertCommitActionExecutor;
import org.apache.hudi.table.action.commit.Partitioner;

/** Hudi's copy-on-write upsert with its buckets written in parallel ({@link UpsertBuckets}). */
final class ParallelUpsertExecutor<T> extends JavaUpsertCommitActionExecutor<T> {
  private final UpsertBuckets buckets;
  private final List<HoodieRecord<T>> records;

  ParallelUpsertExecutor(HoodieEngineContext context, HoodieWriteConfig config, HoodieTable table, String instantTime,
                         List<HoodieRecord<T>> records, int threads) {
    super(context, config, table, instantTime, records);
    this.buckets = new UpsertBuckets(threads, table, instantTime);
    this.records = records;
  }

  @Override
  public HoodieWriteMetadata<List<WriteStatus>> execute() {
    return InBatchDeduplication.upsert(this, records, context, table, instantTime);
  }

  @Override
  public Partitioner getUpsertPartitioner(WorkloadProfile profile) {
    return new UpsertBucketPartitioner<>(profile, context, table, config);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Iterator<List<WriteStatus>> handleUpsertPartition(String instantTime, Integer partition, Iterator recordItr,
                                                              Partitioner partitioner) {
    buckets.submit(partition, (Iterator<HoodieRecord<T>>) recordItr, partitioner,
        records -> super.handleUpsertPartition(instantTime, partition, records, partitioner));
    return Collections.emptyIterator();
  }

  // Hudi calls this right after the bucket loop, with the list the loop fills: the statuses join it here.
  @Override
  protected List<WriteStatus> updateIndex(List<WriteStatus> writeStatuses, HoodieWriteMetadata<List<WriteStatus>> result) {
    writeStatuses.addAll(buckets.awaitAll());
    return super.updateIndex(writeStatuses, result);
  }

  @Override
  public Iterator<List<WriteStatus>> handleInsert(String idPfx, Iterator<HoodieRecord<T>> recordItr) {
    return SizedBloomFilters.write(config, instantTime, table, idPfx, recordItr, taskContextSupplier);
  }

  @Override
  protected HoodieMergeHandle getUpdateHandle(String partitionPath, String fileId, Iterator<HoodieRecord<T>> recordItr) {
    if (!config.populateMetaFields()) {
      return super.getUpdateHandle(partitionPath, fileId, recordItr);
    }
    return SizedBloomFilters.mergeHandle(operationType, config, instantTime, table, partitionPath, fileId, recordItr,
        taskContextSupplier);
  }
}
