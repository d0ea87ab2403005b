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
 * A MOR upsert writes late events as new file groups in their old days; each new file's bloom filter is
 * sized to the file, not to Sluice's 10,000-key default, and still finds every key it holds.
 */
class SizedBloomInsertsTest {
  @TempDir Path dir;

  @Test
  void aFileOfAFewLateEventsCarriesASmallFilterThatStillFindsItsKeys() throws Exception {
    MorClusteringTest mor = new MorClusteringTest();   // the same MOR test table
    mor.dir = dir;
    MiniBatch mb = mor.pipeline("");
    Path landing = TestPipeline.landing(mor.spec);
    Map<String, Long> expected = new HashMap<>();
    StringBuilder load = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      load.append(MorClusteringTest.event("old" + i, i + 1, 0, expected));
    }
    Files.writeString(landing.resolve("load.jsonl"), load);
    mb.runOnce();
    List<String> late = List.of("late-a", "late-b", "late-c");
    StringBuilder batch = new StringBuilder();
    for (String id : late) {
      batch.append(MorClusteringTest.event(id, 50_000 + expected.size(), 0, expected));
    }
    Files.writeString(landing.resolve("late.jsonl"), batch);
    mb.runOnce();

    Map<Long, BloomFilter> byRecords = filtersByRecordCount(mb);
    assertThat(byRecords).containsOnlyKeys(30_000L, 3L);
    int hudiSized = BloomFilterFactory.createBloomFilter(10_000, 0.000001, 100_000, BloomFilterTypeCode.DYNAMIC_V0.name())
        .serializeToString().length();
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
