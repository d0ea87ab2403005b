package io.sluice.upserts.write;

import io.sluice.core.util.OrderedReads;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.hudi.common.data.HoodieListPairData;
import org.apache.hudi.common.data.HoodiePairData;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieFileGroupId;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecordLocation;
import org.apache.hudi.common.util.StringUtils;
import org.apache.hudi.common.util.collection.Pair;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.index.bloom.BaseHoodieBloomIndexHelper;
import org.apache.hudi.index.bloom.BloomIndexFileInfo;
import org.apache.hudi.index.bloom.HoodieBloomIndex;
import org.apache.hudi.index.bloom.HoodieBloomIndexCheckFunction;
import org.apache.hudi.io.HoodieKeyLookupResult;
import org.apache.hudi.table.HoodieTable;

/**
 * Hudi's bloom index check with the candidate files checked on several threads. The Java client tests
 * every (file, key) candidate on one thread; Spark checks files in parallel tasks with the same
 * {@link HoodieBloomIndexCheckFunction}, which is what this runs, one file per task.
 */
final class ParallelBloomIndexHelper extends BaseHoodieBloomIndexHelper {
  private final IntSupplier threads;

  private ParallelBloomIndexHelper(IntSupplier threads) {
    this.threads = threads;
  }

  /**
   * The table's index: Hudi's bloom index checking files on {@code threads} threads when the config
   * asks for plain bloom, otherwise {@code hudiDefault}. {@code threads} is read when the index is used,
   * so a table may pass a field its constructor has not set yet.
   */
  static HoodieIndex<?, ?> indexFor(HoodieWriteConfig config, IntSupplier threads, Supplier<HoodieIndex<?, ?>> hudiDefault) {
    boolean plainBloom = StringUtils.isNullOrEmpty(config.getIndexClass())
        && config.getIndexType() == HoodieIndex.IndexType.BLOOM;
    return plainBloom ? new HoodieBloomIndex(config, new ParallelBloomIndexHelper(threads)) : hudiDefault.get();
  }

  @Override
  public HoodiePairData<HoodieKey, HoodieRecordLocation> findMatchingFilesForRecordKeys(
      HoodieWriteConfig config, HoodieEngineContext context, HoodieTable table,
      HoodiePairData<String, String> partitionRecordKeyPairs, HoodiePairData<HoodieFileGroupId, String> fileComparisonPairs,
      Map<String, List<BloomIndexFileInfo>> partitionToFileInfo, Map<String, Long> recordsPerPartition) {
    List<List<Pair<HoodieFileGroupId, String>>> byFile = byFile(fileComparisonPairs.collectAsList());
    List<Pair<HoodieKey, HoodieRecordLocation>> matches = new ArrayList<>();
    OrderedReads.inOrder(byFile, threads.getAsInt(), candidates -> check(table, config, candidates), found -> {
      for (HoodieKeyLookupResult result : found) {
        HoodieRecordLocation location = new HoodieRecordLocation(result.getBaseInstantTime(), result.getFileId());
        for (String key : result.getMatchingRecordKeys()) {
          matches.add(Pair.of(new HoodieKey(key, result.getPartitionPath()), location));
        }
      }
    });
    return HoodieListPairData.eager(matches);
  }

  private static List<List<Pair<HoodieFileGroupId, String>>> byFile(List<Pair<HoodieFileGroupId, String>> pairs) {
    List<Pair<HoodieFileGroupId, String>> sorted = new ArrayList<>(pairs);
    sorted.sort(Comparator.comparing(Pair::getLeft));
    List<List<Pair<HoodieFileGroupId, String>>> files = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= sorted.size(); i++) {
      if (i == sorted.size() || !sorted.get(i).getLeft().equals(sorted.get(start).getLeft())) {
        files.add(sorted.subList(start, i));
        start = i;
      }
    }
    return files;
  }

  private static List<HoodieKeyLookupResult> check(HoodieTable table, HoodieWriteConfig config,
                                                   List<Pair<HoodieFileGroupId, String>> candidates) {
    List<HoodieKeyLookupResult> results = new ArrayList<>();
    new HoodieBloomIndexCheckFunction<Pair<HoodieFileGroupId, String>>(table, config, Pair::getLeft, Pair::getRight)
        .apply(candidates.iterator())
        .forEachRemaining(results::addAll);
    return results;
  }
}
