package io.sluice.upserts.write;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.config.HoodieStorageConfig;
import org.apache.hudi.common.engine.TaskContextSupplier;
import org.apache.hudi.common.model.HoodieBaseFile;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.WriteOperationType;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.execution.JavaLazyInsertIterable;
import org.apache.hudi.io.CreateHandleFactory;
import org.apache.hudi.io.HoodieMergeHandle;
import org.apache.hudi.io.HoodieMergeHandleFactory;
import org.apache.hudi.io.storage.HoodieIOFactory;
import org.apache.hudi.storage.HoodieStorage;
import org.apache.hudi.table.HoodieTable;

/**
 * Write handles for an upsert's buckets whose new file gets a bloom filter sized to its records. Hudi
 * sizes every new file's filter from {@code hoodie.index.bloom.num_entries}, so a file of a few late
 * events carried a filter for 10,000 keys (~48 KB) that every later lookup in its partition reads.
 * Files of more records than that keep Hudi's sizing.
 */
final class SizedBloomFilters {
  /** Below this, a smaller filter saves nothing worth a config of its own. */
  static final int MIN_ENTRIES = 100;
  /**
   * A base file this large is not worth a footer read to count its rows: a configured-size filter
   * (~48 KB at Sluice's 10,000 keys) is at most ~1% of it, so it keeps Hudi's sizing.
   */
  static final long COUNT_BELOW_BYTES = 4L * 1024 * 1024;
  /** Sized configs by the config they were derived from (by identity, which HoodieWriteConfig's equals is). */
  private static final Map<HoodieWriteConfig, Map<Integer, HoodieWriteConfig>> SIZED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private SizedBloomFilters() {}

  /**
   * {@code config} with the filter sized for {@code records} keys rounded up to a multiple of
   * {@link #MIN_ENTRIES}, or {@code config} itself if it is big enough. Sized configs are built once per
   * config and size: a build sets every default of every config group, 5% of a late batch's upsert when
   * built for each bucket.
   */
  static HoodieWriteConfig forRecords(HoodieWriteConfig config, int records) {
    int configured = config.getIntOrDefault(HoodieStorageConfig.BLOOM_FILTER_NUM_ENTRIES_VALUE);
    long sized = (Math.max(MIN_ENTRIES, (long) records) + MIN_ENTRIES - 1) / MIN_ENTRIES * MIN_ENTRIES;
    if (sized >= configured) {
      return config;
    }
    return SIZED.computeIfAbsent(config, c -> new ConcurrentHashMap<>()).computeIfAbsent((int) sized, n -> {
      Properties props = new Properties();
      props.putAll(config.getProps());
      props.setProperty(HoodieStorageConfig.BLOOM_FILTER_NUM_ENTRIES_VALUE.key(), Integer.toString(n));
      return HoodieWriteConfig.newBuilder().withEngineType(config.getEngineType()).withProperties(props).build(false);
    });
  }

  /**
   * What Hudi's {@code getUpdateHandle} does, with the filter sized for the base file's records plus the
   * incoming ones (an upper bound: updates replace stored records), and for a plain merge a
   * {@link CachedSchemaMergeHandle}. Callers use Hudi's own handle without meta fields, where no filter
   * is written and a key generator is needed.
   */
  static <T> HoodieMergeHandle<?, ?, ?, ?> mergeHandle(WriteOperationType operation, HoodieWriteConfig config,
                                                       String instantTime, HoodieTable table, String partitionPath,
                                                       String fileId, Iterator<HoodieRecord<T>> records,
                                                       TaskContextSupplier taskContext) {
    List<HoodieRecord<T>> incoming = new ArrayList<>();
    records.forEachRemaining(incoming::add);
    Option<HoodieBaseFile> base = table.getBaseFileOnlyView().getLatestBaseFile(partitionPath, fileId);
    HoodieWriteConfig sized = config;
    if (!base.isPresent() || base.get().getFileSize() < COUNT_BELOW_BYTES) {
      long stored = base.isPresent() ? storedRecords(table, base.get()) : 0;
      sized = forRecords(config, (int) Math.min(Integer.MAX_VALUE, stored + incoming.size()));
    }
    boolean plainMerge = !table.requireSortedRecords() && !table.getMetaClient().getTableConfig().isCDCEnabled()
        && (WriteOperationType.isChangingRecords(operation) || !sized.allowDuplicateInserts());
    return plainMerge
        ? new CachedSchemaMergeHandle<>(sized, instantTime, table, incoming.iterator(), partitionPath, fileId, taskContext)
        : HoodieMergeHandleFactory.create(operation, sized, instantTime, table, incoming.iterator(), partitionPath,
            fileId, taskContext, Option.empty());
  }

  private static long storedRecords(HoodieTable table, HoodieBaseFile file) {
    HoodieStorage storage = table.getStorage();
    return HoodieIOFactory.getIOFactory(storage).getFileFormatUtils(file.getStoragePath())
        .getRowCount(storage, file.getStoragePath());
  }

  /** What Hudi's {@code handleInsert} does, with the bucket's records counted first to size the filter. */
  static <T> Iterator<List<WriteStatus>> write(HoodieWriteConfig config, String instantTime, HoodieTable table,
                                               String idPrefix, Iterator<HoodieRecord<T>> records,
                                               TaskContextSupplier taskContext) {
    List<HoodieRecord<T>> bucket = new ArrayList<>();
    records.forEachRemaining(bucket::add);
    if (bucket.isEmpty()) {
      return Collections.singletonList(Collections.<WriteStatus>emptyList()).iterator();
    }
    return new JavaLazyInsertIterable<>(bucket.iterator(), true, forRecords(config, bucket.size()), instantTime, table,
        idPrefix, taskContext, new CreateHandleFactory<>());
  }
}
