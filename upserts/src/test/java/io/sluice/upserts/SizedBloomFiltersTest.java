package io.sluice.upserts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.testing.TestPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hudi.common.bloom.BloomFilter;
import org.apache.hudi.common.bloom.BloomFilterFactory;
import org.apache.hudi.common.bloom.BloomFilterTypeCode;
import org.apache.hudi.common.model.HoodieBaseFile;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.io.storage.HoodieIOFactory;
import org.apache.hudi.storage.HoodieStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file an upsert writes gets a bloom filter sized to its records, not to Sluice's 10,000-key
 * default: MOR's new file groups of late events and COW's rewrites of small files alike, and the
 * filter still finds every key the file holds.
 */
class SizedBloomFiltersTest {
  @TempDir Path dir;
  /** The landing directory of the table {@link #loaded} made. */
  Path landing;

  @Test
  void aFileOfAFewLateEventsCarriesASmallFilterThatStillFindsItsKeys() throws Exception {
    Map<String, Long> expected = new HashMap<>();
    MiniBatch mb = loaded("mor", 30_000, expected);
    List<String> late = List.of("late-a", "late-b", "late-c");
    StringBuilder batch = new StringBuilder();
    for (String id : late) {
      batch.append(MorClusteringTest.event(id, 50_000 + expected.size(), 0, expected));
    }
    Files.writeString(landing.resolve("late.jsonl"), batch);
    mb.runOnce();

    Map<Long, BloomFilter> byRecords = filtersByRecordCount(mb);
    assertThat(byRecords).containsOnlyKeys(30_000L, 3L);
    int hudiSized = hudiSizedFilterLength();
    assertThat(byRecords.get(3L).serializeToString().length()).as("filter of the 3-event file")
        .isLessThan(hudiSized / 20);
    assertThat(byRecords.get(30_000L).serializeToString().length()).as("a large file keeps Hudi's sizing")
        .isGreaterThanOrEqualTo(hudiSized);
    assertThat(late).allSatisfy(id -> assertThat(byRecords.get(3L).mightContain(id)).as(id).isTrue());

    // Updates of the late keys must find them through that filter: no duplicates, newest values.
    StringBuilder updates = new StringBuilder();
    for (String id : late) {
      updates.append(MorClusteringTest.event(id, 90_000 + expected.size(), 0, expected));
    }
    Files.writeString(landing.resolve("updates.jsonl"), updates);
    mb.runOnce();
    assertThat(new SnapshotReader(mb.events(), mb.tableSchema()).read(null)).hasSize(expected.size());
    assertThat(MorClusteringTest.snapshot(mb)).isEqualTo(expected);
  }

  @Test
  void aCopyOnWriteRewriteOfASmallFileSizesItsFilterToTheRewrittenFile() throws Exception {
    Map<String, Long> expected = new HashMap<>();
    MiniBatch mb = loaded("cow", 300, expected);
    // One update and one late insert: COW packs both into the day's small file, rewriting it.
    Files.writeString(landing.resolve("late.jsonl"), MorClusteringTest.event("old7", 1_000, 0, expected)
        + MorClusteringTest.event("late", 1_001, 0, expected));
    mb.runOnce();
    assertThat(mb.events().metaClient().getCommitsTimeline().filterCompletedInstants().countInstants()).isEqualTo(2);

    Map<Long, BloomFilter> byRecords = filtersByRecordCount(mb);
    assertThat(byRecords).as("the rewritten file replaced the loaded one").containsOnlyKeys(301L);
    BloomFilter filter = byRecords.get(301L);
    assertThat(filter.serializeToString().length()).isLessThan(hudiSizedFilterLength() / 20);
    assertThat(expected.keySet()).allSatisfy(id -> assertThat(filter.mightContain(id)).as(id).isTrue());
    assertThat(MorClusteringTest.snapshot(mb)).isEqualTo(expected);
  }

  /** The test table (MorClusteringTest's) of {@code type}, loaded with {@code events} events in one day. */
  private MiniBatch loaded(String type, int events, Map<String, Long> expected) throws Exception {
    MorClusteringTest table = new MorClusteringTest();
    table.dir = dir;
    MiniBatch mb = table.pipeline(type, type, "");
    StringBuilder load = new StringBuilder();
    for (int i = 0; i < events; i++) {
      load.append(MorClusteringTest.event("old" + i, i + 1, 0, expected));
    }
    landing = TestPipeline.landing(table.spec);
    Files.writeString(landing.resolve("load.jsonl"), load);
    mb.runOnce();
    return mb;
  }

  private static int hudiSizedFilterLength() {
    return BloomFilterFactory.createBloomFilter(10_000, 0.000001, 100_000, BloomFilterTypeCode.DYNAMIC_V0.name())
        .serializeToString().length();
  }

  /** Each live base file's bloom filter, keyed by the records it holds. */
  static Map<Long, BloomFilter> filtersByRecordCount(MiniBatch mb) {
    HoodieTableMetaClient mc = mb.events().metaClient();
    HoodieStorage storage = mc.getStorage();
    var view = MorClusteringTest.view(mb);
    Map<Long, BloomFilter> out = new TreeMap<>();
    for (String p : new SnapshotReader(mb.events(), mb.tableSchema()).partitions()) {
      for (HoodieBaseFile f : view.getLatestBaseFiles(p).toList()) {
        var utils = HoodieIOFactory.getIOFactory(storage).getFileFormatUtils(f.getStoragePath());
        long rows = utils.getRowCount(storage, f.getStoragePath());
        out.put(rows, utils.readBloomFilterFromMetadata(storage, f.getStoragePath()));
      }
    }
    return out;
  }
}
