package io.sluice.upserts.write;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.io.HoodieMergeHandle;
import org.apache.hudi.table.HoodieJavaCopyOnWriteTable;
import org.apache.hudi.table.HoodieJavaMergeOnReadTable;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.action.HoodieWriteMetadata;

/**
 * Hudi's Java write client whose upserts write their file groups on up to {@code threads} threads.
 * The Java client writes one bucket after another on the caller's thread; Spark runs the same handles
 * side by side in one executor JVM, which is what makes them safe to run concurrently. A bloom index
 * checks its candidate files side by side too ({@link ParallelBloomIndexHelper}), and a COW merge
 * reads a base file in the write schema when its footer holds that schema ({@link FooterSchemaMerge}).
 * Everything else (partitioning, commit, compaction) is Hudi's own, unchanged.
 */
public final class ParallelWriteClient<T> extends HoodieJavaWriteClient<T> {
  private final int threads;

  public ParallelWriteClient(HoodieJavaEngineContext context, HoodieWriteConfig config, int threads) {
    super(context, config);
    if (threads < 1) {
      throw new IllegalArgumentException("write threads must be at least 1, got " + threads);
    }
    this.threads = threads;
  }

  @Override
  protected HoodieTable createTable(HoodieWriteConfig config, Configuration hadoopConf) {
    return createTable(config, hadoopConf, createMetaClient(true));
  }

  @Override
  protected HoodieTable createTable(HoodieWriteConfig config, Configuration hadoopConf, HoodieTableMetaClient metaClient) {
    return metaClient.getTableType() == HoodieTableType.MERGE_ON_READ
        ? new MergeOnRead<>(config, context, metaClient, threads)
        : new CopyOnWrite<>(config, context, metaClient, threads);
  }

  private static final class CopyOnWrite<T> extends HoodieJavaCopyOnWriteTable<T> {
    private final int threads;

    CopyOnWrite(HoodieWriteConfig config, HoodieEngineContext context, HoodieTableMetaClient metaClient, int threads) {
      super(config, context, metaClient);
      this.threads = threads;
    }

    @Override
    public HoodieWriteMetadata<List<WriteStatus>> upsert(HoodieEngineContext context, String instantTime,
                                                         List<HoodieRecord<T>> records) {
      return new ParallelUpsertExecutor<>(context, config, this, instantTime, records, threads).execute();
    }

    @Override
    public void runMerge(HoodieMergeHandle<?, ?, ?, ?> handle, String instantTime, String fileId) throws IOException {
      if (!FooterSchemaMerge.runIfSameSchema(this, handle)) {
        super.runMerge(handle, instantTime, fileId);
      }
    }

    @Override
    protected HoodieIndex getIndex(HoodieWriteConfig config, HoodieEngineContext context) {
      return ParallelBloomIndexHelper.index(config);
    }
  }

  private static final class MergeOnRead<T> extends HoodieJavaMergeOnReadTable<T> {
    private final int threads;

    MergeOnRead(HoodieWriteConfig config, HoodieEngineContext context, HoodieTableMetaClient metaClient, int threads) {
      super(config, context, metaClient);
      this.threads = threads;
    }

    @Override
    public HoodieWriteMetadata<List<WriteStatus>> upsert(HoodieEngineContext context, String instantTime,
                                                         List<HoodieRecord<T>> records) {
      return new ParallelUpsertDeltaExecutor<>((HoodieJavaEngineContext) context, config, this, instantTime, records,
          threads).execute();
    }

    @Override
    protected HoodieIndex getIndex(HoodieWriteConfig config, HoodieEngineContext context) {
      return ParallelBloomIndexHelper.index(config);
    }
  }
}
