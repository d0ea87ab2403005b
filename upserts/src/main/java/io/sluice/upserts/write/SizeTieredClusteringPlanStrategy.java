package io.sluice.upserts.write;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.apache.hudi.avro.model.HoodieClusteringGroup;
import org.apache.hudi.client.clustering.plan.strategy.JavaSizeBasedClusteringPlanStrategy;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.model.HoodieBaseFile;
import org.apache.hudi.common.model.HoodieLogFile;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.table.HoodieTable;

/**
 * Hudi's size-based clustering plan, restricted in each partition to the smallest tier of file
 * slices: those, smallest first, each at most twice the size of all the smaller ones together.
 *
 * <p>Hudi's plan rewrites every slice under its small-file limit (300 MB), so a day's 100 MB base
 * file would be rewritten to absorb a few kilobytes of late events every few commits: the partition
 * rewrite that upserts are meant to avoid. Merging only like-sized slices bounds that: a record is
 * rewritten only when its slice grows by half or more, so O(log(partition / batch)) times in all,
 * and a partition keeps about that many file groups.
 */
public class SizeTieredClusteringPlanStrategy<T> extends JavaSizeBasedClusteringPlanStrategy<T> {

  public SizeTieredClusteringPlanStrategy(HoodieTable table, HoodieEngineContext engineContext,
      HoodieWriteConfig writeConfig) {
    super(table, engineContext, writeConfig);
  }

  @Override
  protected Stream<HoodieClusteringGroup> buildClusteringGroupsForPartition(String partitionPath, List<FileSlice> fileSlices) {
    List<FileSlice> tier = smallestTier(fileSlices, SizeTieredClusteringPlanStrategy::bytes);
    return tier.size() < 2 ? Stream.empty() : super.buildClusteringGroupsForPartition(partitionPath, tier);
  }

  private static long bytes(FileSlice slice) {
    return slice.getBaseFile().map(HoodieBaseFile::getFileSize).orElse(0L)
        + slice.getLogFiles().mapToLong(HoodieLogFile::getFileSize).sum();
  }

  /** The smallest items, in ascending size, up to the first one over twice all before it together. */
  static <S> List<S> smallestTier(List<S> items, ToLongFunction<S> size) {
    List<S> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingLong(size));
    List<S> tier = new ArrayList<>();
    long sum = 0;
    for (S s : sorted) {
      long n = size.applyAsLong(s);
      if (!tier.isEmpty() && n > 2 * sum) {
        break;
      }
      tier.add(s);
      sum += n;
    }
    return tier;
  }
}
