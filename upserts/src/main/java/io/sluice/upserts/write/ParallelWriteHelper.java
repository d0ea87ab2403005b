package io.sluice.upserts.write;

import io.sluice.core.util.OrderedReads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.config.TypedProperties;
import org.apache.hudi.common.data.HoodieListData;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieRecordMerger;
import org.apache.hudi.exception.HoodieException;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.action.commit.BaseWriteHelper;

/**
 * Hudi's Java write helper with the in-batch deduplication ({@code hoodie.combine.before.upsert}) run
 * on {@code threads} threads. Each thread owns the keys of one hash shard and folds their records in
 * batch order with the table's record merger, exactly as Hudi's {@code JavaWriteHelper} does on one
 * thread, so the merger sees the same calls in the same order and keeps the same records.
 */
final class ParallelWriteHelper<T, R>
    extends BaseWriteHelper<T, List<HoodieRecord<T>>, List<HoodieKey>, List<WriteStatus>, R> {
  private final int threads;

  ParallelWriteHelper(int threads) {
    super(ignored -> -1);
    if (threads < 1) {
      throw new IllegalArgumentException("write threads must be at least 1, got " + threads);
    }
    this.threads = threads;
  }

  @Override
  protected List<HoodieRecord<T>> tag(List<HoodieRecord<T>> records, HoodieEngineContext context,
                                      HoodieTable<T, List<HoodieRecord<T>>, List<HoodieKey>, List<WriteStatus>> table) {
    return table.getIndex().tagLocation(HoodieListData.eager(records), context, table).collectAsList();
  }

  @Override
  public List<HoodieRecord<T>> deduplicateRecords(List<HoodieRecord<T>> records, HoodieIndex<?, ?> index,
                                                  int parallelism, String schema, TypedProperties props,
                                                  HoodieRecordMerger merger) {
    boolean global = index.isGlobal();
    Schema parsed = new Schema.Parser().parse(schema);
    int shards = threads;
    List<HoodieRecord<T>> deduped = new ArrayList<>(records.size());
    OrderedReads.inOrder(IntStream.range(0, shards).boxed().toList(), shards,
        shard -> fold(records, shard, shards, global, parsed, props, merger), deduped::addAll);
    return deduped;
  }

  private List<HoodieRecord<T>> fold(List<HoodieRecord<T>> records, int shard, int shards, boolean global, Schema schema,
                                     TypedProperties props, HoodieRecordMerger merger) {
    Map<Object, HoodieRecord<T>> kept = new HashMap<>((int) (records.size() / shards / 0.75) + 16);
    for (HoodieRecord<T> record : records) {
      // a global index matches keys across partitions, so records of one key differ in partition
      Object key = global ? record.getRecordKey() : record.getKey();
      if (shards == 1 || Math.floorMod(key.hashCode(), shards) == shard) {
        kept.merge(key, record, (older, newer) -> merge(older, newer, schema, props, merger));
      }
    }
    return new ArrayList<>(kept.values());
  }

  @SuppressWarnings("unchecked")
  private static <T> HoodieRecord<T> merge(HoodieRecord<T> older, HoodieRecord<T> newer, Schema schema,
                                           TypedProperties props, HoodieRecordMerger merger) {
    try {
      HoodieRecord<T> merged = merger.merge(older, schema, newer, schema, props).get().getLeft();
      // the merger may not move a record: key and operation stay those of the first delivery
      return merged.newInstance(older.getKey(), older.getOperation());
    } catch (IOException e) {
      throw new HoodieException("cannot merge two records of key " + older.getKey(), e);
    }
  }
}
