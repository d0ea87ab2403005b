package io.sluice.upserts.write;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hudi.avro.HoodieBloomFilterWriteSupport;
import org.apache.hudi.common.bloom.BloomFilterTypeCode;
import org.apache.hudi.common.data.HoodieData;
import org.apache.hudi.common.data.HoodieListData;
import org.apache.hudi.common.data.HoodiePairData;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieBaseFile;
import org.apache.hudi.common.model.HoodieFileGroupId;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieRecordLocation;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.common.util.StringUtils;
import org.apache.hudi.common.util.collection.ImmutablePair;
import org.apache.hudi.common.util.collection.Pair;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.exception.HoodieIndexException;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.index.HoodieIndexUtils;
import org.apache.hudi.index.JavaHoodieIndexFactory;
import org.apache.hudi.index.bloom.BloomIndexFileInfo;
import org.apache.hudi.index.bloom.HoodieBloomIndex;
import org.apache.hudi.index.bloom.HoodieBloomIndexCheckFunction;
import org.apache.hudi.index.bloom.ListBasedHoodieBloomIndexHelper;
import org.apache.hudi.io.HoodieKeyLookupResult;
import org.apache.hudi.io.storage.HoodieIOFactory;
import org.apache.hudi.metadata.MetadataPartitionType;
import org.apache.hudi.storage.HoodieStorage;
import org.apache.hudi.storage.StoragePath;
import org.apache.hudi.table.HoodieTable;

/**
 * Hudi's bloom index lookup for the Java engine, with the candidate files checked side by side. Hudi's
 * list-based helper checks one file after another on the caller's thread (read its filter, then the
 * stored keys for the keys that pass it); Spark checks files in parallel tasks. Here each file is one
 * task of the engine context's {@code flatMap}, which the Java engine runs as a parallel stream, and a
 * filter in a file's footer is read as a {@link LookupBloomFilter}.
 */
final class ParallelBloomIndexHelper extends ListBasedHoodieBloomIndexHelper {
  private static final ParallelBloomIndexHelper INSTANCE = new ParallelBloomIndexHelper();

  private ParallelBloomIndexHelper() {}

  /** The index Hudi's Java engine would make for {@code config}, with this helper if it is a bloom index. */
  static HoodieIndex<?, ?> index(HoodieWriteConfig config) {
    boolean bloom = StringUtils.isNullOrEmpty(config.getIndexClass())
        && config.getIndexType() == HoodieIndex.IndexType.BLOOM;
    return bloom ? new Index(config) : JavaHoodieIndexFactory.createIndex(config);
  }

  /**
   * Hudi's bloom index with this helper. Found locations are put back on the records through a map, on
   * both cores; Hudi's list data joins them through streams of pairs on the caller's thread (~0.3 s of a
   * 200K-record upsert while the other core idled). Same result: a record found in several files comes
   * out once per file, in the records' order.
   */
  private static final class Index extends HoodieBloomIndex {
    Index(HoodieWriteConfig config) {
      super(config, INSTANCE);
    }

    @Override
    protected <R> HoodieData<HoodieRecord<R>> tagLocationBacktoRecords(
        HoodiePairData<HoodieKey, HoodieRecordLocation> found, HoodieData<HoodieRecord<R>> records, HoodieTable table) {
      Map<HoodieKey, List<HoodieRecordLocation>> at = new HashMap<>();
      found.collectAsList().forEach(p -> at.computeIfAbsent(p.getKey(), k -> new ArrayList<>(1)).add(p.getValue()));
      return HoodieListData.eager(records.collectAsList().parallelStream().flatMap(r -> {
        List<HoodieRecordLocation> locations = at.get(r.getKey());
        return locations == null ? Stream.of(r)
            : locations.stream().map(l -> HoodieIndexUtils.tagAsNewRecordIfNeeded(r, Option.of(l)));
      }).toList());
    }
  }

  @Override
  public HoodiePairData<HoodieKey, HoodieRecordLocation> findMatchingFilesForRecordKeys(
      HoodieWriteConfig config, HoodieEngineContext context, HoodieTable table,
      HoodiePairData<String, String> partitionRecordKeyPairs, HoodiePairData<HoodieFileGroupId, String> fileComparisonPairs,
      Map<String, List<BloomIndexFileInfo>> partitionToFileInfo, Map<String, Long> recordsPerPartition) {
    List<List<Pair<HoodieFileGroupId, String>>> byFile = new ArrayList<>(fileComparisonPairs.collectAsList().stream()
        .collect(Collectors.groupingBy(Pair::getLeft, TreeMap::new, Collectors.toList())).values());
    // Largest first: the parallel stream then ends on small files rather than waiting on one large one.
    byFile.sort(Comparator.comparingInt(List<Pair<HoodieFileGroupId, String>>::size).reversed());
    // Filters kept in the metadata table are Hudi's to read.
    boolean footerFilters = !(config.getBloomIndexUseMetadata()
        && table.getMetaClient().getTableConfig().isMetadataPartitionAvailable(MetadataPartitionType.BLOOM_FILTERS));
    List<HoodieKeyLookupResult> found = context.flatMap(byFile, pairs -> {
      if (footerFilters) {
        HoodieKeyLookupResult r = checkFile(table, pairs.get(0).getLeft(), pairs.stream().map(Pair::getRight).toList());
        return r.getMatchingRecordKeys().isEmpty() ? Stream.empty() : Stream.of(r);
      }
      HoodieBloomIndexCheckFunction<Pair<HoodieFileGroupId, String>> check =
          new HoodieBloomIndexCheckFunction<>(table, config, Pair::getLeft, Pair::getRight);
      List<HoodieKeyLookupResult> results = new ArrayList<>();
      check.apply(pairs.iterator()).forEachRemaining(results::addAll);
      return results.stream().filter(r -> !r.getMatchingRecordKeys().isEmpty());
    }, Math.max(1, byFile.size()));
    return context.parallelize(found).flatMap(r -> r.getMatchingRecordKeys().stream()
        .map(key -> new ImmutablePair<>(r, key)).iterator()
    ).mapToPair(p -> new ImmutablePair<>(new HoodieKey(p.getRight(), p.getLeft().getPartitionPath()),
        new HoodieRecordLocation(p.getLeft().getBaseInstantTime(), p.getLeft().getFileId())));
  }

  /**
   * What Hudi's {@code HoodieKeyLookupHandle} does for one file group: the keys its latest base file's
   * bloom filter may hold, confirmed against the keys stored in the file. The filter is read as a
   * {@link LookupBloomFilter}.
   */
  private static HoodieKeyLookupResult checkFile(HoodieTable<?, ?, ?, ?> table, HoodieFileGroupId group, List<String> keys) {
    HoodieBaseFile base = table.getBaseFileOnlyView().getLatestBaseFile(group.getPartitionPath(), group.getFileId())
        .get();
    HoodieStorage storage = table.getStorage();
    StoragePath path = base.getStoragePath();
    LookupBloomFilter filter;
    try {
      Map<String, String> footer = HoodieIOFactory.getIOFactory(storage).getFileFormatUtils(path).readFooter(storage,
          false, path, HoodieBloomFilterWriteSupport.HOODIE_AVRO_BLOOM_FILTER_METADATA_KEY,
          HoodieBloomFilterWriteSupport.OLD_HOODIE_AVRO_BLOOM_FILTER_METADATA_KEY,
          HoodieBloomFilterWriteSupport.HOODIE_BLOOM_FILTER_TYPE_CODE);
      String text = footer.getOrDefault(HoodieBloomFilterWriteSupport.HOODIE_AVRO_BLOOM_FILTER_METADATA_KEY,
          footer.get(HoodieBloomFilterWriteSupport.OLD_HOODIE_AVRO_BLOOM_FILTER_METADATA_KEY));
      if (text == null) {
        throw new HoodieIndexException("no bloom filter in the footer of " + path);
      }
      filter = LookupBloomFilter.fromString(text, footer.getOrDefault(
          HoodieBloomFilterWriteSupport.HOODIE_BLOOM_FILTER_TYPE_CODE, BloomFilterTypeCode.SIMPLE.name()));
    } catch (RuntimeException e) {
      throw new HoodieIndexException(String.format("Error reading bloom filter from %s", group), e);
    }
    List<String> candidates = keys.stream().filter(filter::mightContain).toList();
    return new HoodieKeyLookupResult(group.getFileId(), group.getPartitionPath(), base.getCommitTime(),
        HoodieIndexUtils.filterKeysFromFile(path, candidates, storage));
  }
}
