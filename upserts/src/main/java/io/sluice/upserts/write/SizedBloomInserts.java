package io.sluice.upserts.write;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.config.HoodieStorageConfig;
import org.apache.hudi.common.engine.TaskContextSupplier;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.execution.JavaLazyInsertIterable;
import org.apache.hudi.io.CreateHandleFactory;
import org.apache.hudi.table.HoodieTable;

/**
 * Writes an upsert's insert bucket with the new file's bloom filter sized to the bucket. Hudi sizes
 * every new file's filter from {@code hoodie.index.bloom.num_entries}, so a file of a few late events
 * carried a filter for 10,000 keys (~48 KB) that every later lookup in its partition reads. A bucket
 * with more records than that keeps Hudi's sizing.
 */
final class SizedBloomInserts {
  /** Below this, a smaller filter saves nothing worth a config of its own. */
  static final int MIN_ENTRIES = 100;

  private SizedBloomInserts() {}

  /** {@code config} with the filter sized for {@code records} keys, or {@code config} itself if it is big enough. */
  static HoodieWriteConfig forRecords(HoodieWriteConfig config, int records) {
    int configured = config.getIntOrDefault(HoodieStorageConfig.BLOOM_FILTER_NUM_ENTRIES_VALUE);
    int sized = Math.max(MIN_ENTRIES, records);
    if (sized >= configured) {
      return config;
    }
    Properties props = new Properties();
    props.putAll(config.getProps());
    props.setProperty(HoodieStorageConfig.BLOOM_FILTER_NUM_ENTRIES_VALUE.key(), Integer.toString(sized));
    return HoodieWriteConfig.newBuilder().withEngineType(config.getEngineType()).withProperties(props).build(false);
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
