package io.sluice.upserts.write;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.config.TypedProperties;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieRecordMerger;
import org.apache.hudi.common.model.WriteOperationType;
import org.apache.hudi.common.util.HoodieRecordUtils;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.exception.HoodieException;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.action.HoodieWriteMetadata;
import org.apache.hudi.table.action.commit.BaseJavaCommitActionExecutor;
import org.apache.hudi.table.action.commit.JavaWriteHelper;

/**
 * Hudi's combine-before-upsert ({@code JavaWriteHelper.deduplicateRecords}) in one pass over the batch.
 * Records that share a key (the record key alone under a global index) are reduced in arrival order by
 * the table's pre-combining merger and keep the first one's key and operation, as Hudi's do. The result
 * is in order of each key's first arrival.
 *
 * <p>Hudi groups the whole batch into a list per key before reducing, allocating a pair and a list per
 * record and hashing every {@code HoodieKey} through a varargs array: 30% of the serial part of a
 * 3M-record upsert.
 */
final class InBatchDeduplication {
  private InBatchDeduplication() {
  }

  /**
   * Hudi's upsert write ({@code JavaWriteHelper}) for {@code executor}, with the batch's duplicate keys
   * combined here first when the config asks for it, instead of by Hudi.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> HoodieWriteMetadata<List<WriteStatus>> upsert(BaseJavaCommitActionExecutor<T> executor,
      List<HoodieRecord<T>> records, HoodieEngineContext context, HoodieTable table, String instantTime) {
    HoodieWriteConfig config = table.getConfig();
    List<HoodieRecord<T>> combined = config.shouldCombineBeforeUpsert() ? apply(records, table) : records;
    return JavaWriteHelper.newInstance().write(instantTime, combined, context, table, false,
        config.getUpsertShuffleParallelism(), executor, WriteOperationType.UPSERT);
  }

  static <T> List<HoodieRecord<T>> apply(List<HoodieRecord<T>> records, HoodieTable<?, ?, ?, ?> table) {
    return apply(records, table.getConfig(), table.getIndex().isGlobal());
  }

  @SuppressWarnings("unchecked")
  static <T> List<HoodieRecord<T>> apply(List<HoodieRecord<T>> records, HoodieWriteConfig config, boolean global) {
    Map<String, Integer> perPartition = new HashMap<>();
    for (HoodieRecord<T> r : records) {
      perPartition.merge(global ? "" : r.getPartitionPath(), 1, Integer::sum);
    }
    Map<String, Map<String, Integer>> firstAt = new HashMap<>();
    perPartition.forEach((p, n) -> firstAt.put(p, new HashMap<>((int) (n / 0.75f) + 1)));
    HoodieRecord<T>[] out = new HoodieRecord[records.size()];
    Merger merger = null;
    int n = 0;
    for (HoodieRecord<T> r : records) {
      Map<String, Integer> keys = firstAt.get(global ? "" : r.getPartitionPath());
      Integer at = keys.putIfAbsent(r.getRecordKey(), n);
      if (at == null) {
        out[n++] = r;
      } else {
        if (merger == null) {
          merger = new Merger(config);
        }
        out[at] = merger.reduce(out[at], r);
      }
    }
    return n == out.length ? Arrays.asList(out) : new ArrayList<>(Arrays.asList(out).subList(0, n));
  }

  /** The reduction step of Hudi's deduplication, with its merger, schema and properties. */
  private static final class Merger {
    private final HoodieRecordMerger merger;
    private final Schema schema;
    private final TypedProperties props;

    Merger(HoodieWriteConfig config) {
      this.merger = HoodieRecordUtils.mergerToPreCombineMode(config.getRecordMerger());
      this.schema = new Schema.Parser().parse(config.getSchema());
      this.props = config.getProps();
    }

    @SuppressWarnings("unchecked")
    <T> HoodieRecord<T> reduce(HoodieRecord<T> first, HoodieRecord<T> next) {
      HoodieRecord<T> reduced;
      try {
        reduced = merger.merge(first, schema, next, schema, props).get().getLeft();
      } catch (IOException e) {
        throw new HoodieException(String.format("Error to merge two records, %s, %s", first, next), e);
      }
      HoodieKey key = first.getKey();
      return reduced.newInstance(key, first.getOperation());
    }
  }
}
