package io.sluice.upserts.write;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.fs.FSUtils;
import org.apache.hudi.common.model.HoodiePartitionMetadata;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.storage.StoragePath;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.action.commit.BucketInfo;
import org.apache.hudi.table.action.commit.BucketType;
import org.apache.hudi.table.action.commit.JavaUpsertPartitioner;
import org.apache.hudi.table.action.commit.Partitioner;

/**
 * An upsert's buckets as the parallel executors queue them ({@link BucketWrites}): each weighted by
 * the bytes it is expected to write, its records plus the base file a merge rewrites, and a new
 * partition's metadata file written once before several buckets open in it.
 */
final class UpsertBuckets {
  private final BucketWrites writes;
  private final HoodieTable<?, ?, ?, ?> table;
  private final boolean copyOnWrite;
  private final boolean parallel;
  private long bytesPerRecord = -1;

  UpsertBuckets(int threads, HoodieTable<?, ?, ?, ?> table, String instantTime) {
    HoodieWriteConfig config = table.getConfig();
    StoragePath basePath = new StoragePath(config.getBasePath());
    this.writes = new BucketWrites(threads, partitionPath -> new HoodiePartitionMetadata(table.getStorage(),
        instantTime, basePath, FSUtils.constructAbsolutePath(basePath, partitionPath),
        table.getPartitionMetafileFormat()).trySave());
    this.table = table;
    this.copyOnWrite = table.getMetaClient().getTableType() == HoodieTableType.COPY_ON_WRITE;
    this.parallel = threads > 1;
  }

  /**
   * Queues {@code write} of bucket {@code bucket}, whose records are {@code records}. Buckets of a
   * partitioner other than Hudi's upsert partitioner are queued unweighted, in no shared partition.
   */
  <T> void submit(int bucket, Iterator<HoodieRecord<T>> records, Partitioner partitioner,
                  Function<Iterator<HoodieRecord<T>>, Iterator<List<WriteStatus>>> write) {
    // one thread writes each bucket as it comes: no order to choose, nobody to race
    if (!parallel || !(partitioner instanceof JavaUpsertPartitioner<?> upsert)) {
      writes.submit(() -> write.apply(records));
      return;
    }
    // held, so the bucket's size is known before its write starts
    List<HoodieRecord<T>> held = new ArrayList<>();
    records.forEachRemaining(held::add);
    BucketInfo info = upsert.getBucketInfo(bucket);
    long weight = held.size() * bytesPerRecord() + mergedBaseFileBytes(info, upsert);
    writes.submit(info.getPartitionPath(), weight, () -> write.apply(held.iterator()));
  }

  /** See {@link BucketWrites#awaitAll()}. */
  List<WriteStatus> awaitAll() {
    return writes.awaitAll();
  }

  private long bytesPerRecord() {
    if (bytesPerRecord < 0) {
      bytesPerRecord = Math.max(1, UpsertBucketPartitioner.averageBytesPerRecord(table));
    }
    return bytesPerRecord;
  }

  // A copy-on-write update, or Hudi's merge of inserts into a small base file, rewrites that file.
  private long mergedBaseFileBytes(BucketInfo info, JavaUpsertPartitioner<?> partitioner) {
    if (info.getBucketType() != BucketType.UPDATE
        || !(copyOnWrite || partitioner.getSmallFileIds().contains(info.getFileIdPrefix()))) {
      return 0;
    }
    return table.getBaseFileOnlyView().getLatestBaseFile(info.getPartitionPath(), info.getFileIdPrefix())
        .map(f -> Math.max(0, f.getFileSize())).orElse(0L);
  }
}
