package io.sluice.upserts.write;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.action.HoodieWriteMetadata;
import org.apache.hudi.table.action.commit.JavaUpsertCommitActionExecutor;
import org.apache.hudi.table.action.commit.Partitioner;

/**
 * Hudi's copy-on-write upsert with its deduplication ({@link ParallelWriteHelper}) and buckets
 * ({@link BucketWrites}) run in parallel.
 */
final class ParallelUpsertExecutor<T> extends JavaUpsertCommitActionExecutor<T> {
  private final BucketWrites buckets;
  private final List<HoodieRecord<T>> records;
  private final int threads;

  ParallelUpsertExecutor(HoodieEngineContext context, HoodieWriteConfig config, HoodieTable table, String instantTime,
                         List<HoodieRecord<T>> records, int threads) {
    super(context, config, table, instantTime, records);
    this.buckets = new BucketWrites(threads);
    this.records = records;
    this.threads = threads;
  }

  @Override
  public HoodieWriteMetadata<List<WriteStatus>> execute() {
    return new ParallelWriteHelper<T, HoodieWriteMetadata>(threads).write(instantTime, records, context, table,
        config.shouldCombineBeforeUpsert(), config.getUpsertShuffleParallelism(), this, operationType);
  }

  // Hudi's profile and bucket assignment stream this list: they run on both cores through the view.
  @Override
  public HoodieWriteMetadata<List<WriteStatus>> execute(List<HoodieRecord<T>> tagged) {
    return super.execute(threads > 1 ? ParallelStreams.of(tagged) : tagged);
  }

  @Override
  protected Iterator<List<WriteStatus>> handleUpsertPartition(String instantTime, Integer partition, Iterator recordItr,
                                                              Partitioner partitioner) {
    buckets.submit(() -> super.handleUpsertPartition(instantTime, partition, recordItr, partitioner));
    return Collections.emptyIterator();
  }

  // Hudi calls this right after the bucket loop, with the list the loop fills: the statuses join it here.
  @Override
  protected List<WriteStatus> updateIndex(List<WriteStatus> writeStatuses, HoodieWriteMetadata<List<WriteStatus>> result) {
    writeStatuses.addAll(buckets.awaitAll());
    return super.updateIndex(writeStatuses, result);
  }
}
