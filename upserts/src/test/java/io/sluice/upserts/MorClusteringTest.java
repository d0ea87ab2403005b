package io.sluice.upserts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.testing.TestPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.util.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MOR inserts open new file groups (see {@link MorSmallFileRegressionTest}), so late events leave a tiny
 * file group in each old day they touch. Inline clustering must keep that bounded without losing the
 * updates sitting in log files, also when a crash left a clustering plan behind.
 */
class MorClusteringTest {
  static final long DAY = 86_400_000L;
  static final long T0 = 1_715_000_000_000L;
  @TempDir Path dir;
  PipelineSpec spec;

  MiniBatch pipeline(String hudiExtra) throws Exception {
    return pipeline("p", hudiExtra);
  }

  /** The same table; a different spec file name gives a second writer with other Hudi settings. */
  MiniBatch pipeline(String specName, String hudiExtra) throws Exception {
    return pipeline(specName, "mor", hudiExtra);
  }

  MiniBatch pipeline(String specName, String type, String hudiExtra) throws Exception {
    spec = TestPipeline.keyedEvents(dir).specFile(specName).name("clu").type(type)
        .hudi("hoodie.compact.inline.max.delta.commits: \"100\"").hudi(hudiExtra).create();
    return new MiniBatch(spec, new Configuration());
  }

  /** Batch {@code b}: 30 new events today, 2 late new events and 2 updates in each of the 5 days before. */
  static String batch(int b, Map<String, Long> expected) {
    StringBuilder sb = new StringBuilder();
    long seq = b * 1000L;
    for (int day = 0; day <= 5; day++) {
      int news = day == 5 ? 30 : 2;
      for (int i = 0; i < news; i++) {
        sb.append(event("d" + day + "b" + b + "i" + i, ++seq, day, expected));
      }
      if (day < 5 && b > 0) {
        sb.append(event("d" + day + "b" + (b - 1) + "i0", ++seq, day, expected));   // update, lands in a log
        sb.append(event("d" + day + "b0i1", ++seq, day, expected));
      }
    }
    return sb.toString();
  }

  static String event(String id, long seq, int day, Map<String, Long> expected) {
    expected.put(id, seq);
    return String.format("{\"id\":\"%s\",\"v\":%d,\"ts\":%d,\"seq\":%d}%n", id, seq, T0 + day * DAY + seq, seq);
  }

  static Map<String, Long> snapshot(MiniBatch mb) {
    return new SnapshotReader(mb.events(), mb.tableSchema()).read(null).stream()
        .collect(Collectors.toMap(r -> r.get("id").toString(), r -> (Long) r.get("v")));
  }

  /** The table's file system view as of its completed commits, clusterings included. */
  static org.apache.hudi.common.table.view.HoodieTableFileSystemView view(MiniBatch mb) {
    HoodieTableMetaClient mc = mb.events().metaClient();
    return new org.apache.hudi.common.table.view.HoodieTableFileSystemView(mc,
        mc.getCommitsTimeline().filterCompletedInstants());
  }

  /** Live file groups per partition. */
  static Map<String, Long> fileGroups(MiniBatch mb) {
    var view = view(mb);
    Map<String, Long> out = new TreeMap<>();
    for (String p : new SnapshotReader(mb.events(), mb.tableSchema()).partitions()) {
      out.put(p, view.getLatestFileSlices(p).count());
    }
    return out;
  }

  @Test
  void lateEventsDoNotPileUpFileGroupsInOldDays() throws Exception {
    MiniBatch mb = pipeline("");
    Path landing = TestPipeline.landing(spec);
    Map<String, Long> expected = new HashMap<>();
    int batches = 12;
    for (int b = 0; b < batches; b++) {
      Files.writeString(landing.resolve("b" + b + ".jsonl"), batch(b, expected));
      mb.runOnce();
    }
    assertThat(snapshot(mb)).as("updates in log files survive clustering").isEqualTo(expected);
    var replaces = mb.events().metaClient().getActiveTimeline().getCompletedReplaceTimeline();
    assertThat(replaces.countInstants()).as("clusterings in 12 commits, one per 4").isEqualTo(3);
    // Without clustering each partition would hold one file group per batch (12); with it, at most
    // the file groups written since the last clustering plus the one it produced.
    assertThat(fileGroups(mb)).hasSize(6).allSatisfy((p, n) -> assertThat(n).as(p).isBetween(1L, 4L));
  }

  /** File ids of the live file slices of {@code partition}, largest first. */
  static List<String> liveFileIds(MiniBatch mb, String partition) {
    return view(mb).getLatestFileSlices(partition)
        .sorted(java.util.Comparator.comparingLong((org.apache.hudi.common.model.FileSlice f) ->
            f.getBaseFile().get().getFileSize()).reversed())
        .map(org.apache.hudi.common.model.FileSlice::getFileId).toList();
  }

  @Test
  void aDaysLargeBaseFileIsNotRewrittenToAbsorbAFewLateEvents() throws Exception {
    MiniBatch mb = pipeline("");
    Path landing = TestPipeline.landing(spec);
    Map<String, Long> expected = new HashMap<>();
    StringBuilder load = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      load.append(event("big" + i, i + 1, 0, expected));
    }
    Files.writeString(landing.resolve("load.jsonl"), load);
    mb.runOnce();
    String day = fileGroups(mb).keySet().iterator().next();
    String big = liveFileIds(mb, day).get(0);
    for (int b = 1; b <= 3; b++) {   // the load and three batches: the 4th commit plans a clustering
      Files.writeString(landing.resolve("late" + b + ".jsonl"),
          event("late" + b + "a", 100_000L + b, 0, expected) + event("late" + b + "b", 100_100L + b, 0, expected));
      mb.runOnce();
    }
    assertThat(mb.events().metaClient().getActiveTimeline().getCompletedReplaceTimeline().countInstants())
        .as("a clustering ran").isOne();
    // the three small file groups of late events became one; the large one was left as it was
    assertThat(liveFileIds(mb, day)).hasSize(2).first().isEqualTo(big);
    assertThat(snapshot(mb)).isEqualTo(expected);
  }

  @Test
  void aClusteringLeftPendingIsFinishedBeforeTheNextWrite() throws Exception {
    MiniBatch mb = pipeline("");
    Path landing = TestPipeline.landing(spec);
    Map<String, Long> expected = new HashMap<>();
    for (int b = 0; b < 3; b++) {
      Files.writeString(landing.resolve("b" + b + ".jsonl"), batch(b, expected));
      mb.runOnce();
    }
    // What a writer that crashed after planning a clustering leaves: a requested replacecommit.
    String planned;
    MiniBatch planner = pipeline("planner", "hoodie.clustering.inline.max.commits: \"1\"");
    try (HoodieJavaWriteClient<?> client = planner.events().newWriteClient(planner.tableSchema())) {
      planned = client.scheduleClustering(Option.empty()).get();
    }
    assertThat(mb.events().metaClient().getActiveTimeline().filterPendingReplaceTimeline().countInstants()).isOne();

    // The next batch updates keys in file groups that plan replaces.
    Files.writeString(landing.resolve("b3.jsonl"), batch(3, expected));
    mb.runOnce();

    HoodieTableMetaClient mc = mb.events().metaClient();
    assertThat(mc.getActiveTimeline().filterPendingReplaceTimeline().countInstants()).isZero();
    HoodieInstant clustered = mc.getActiveTimeline().getCompletedReplaceTimeline().lastInstant().get();
    String write = mc.getActiveTimeline().getDeltaCommitTimeline().filterCompletedInstants().lastInstant().get()
        .getTimestamp();
    assertThat(clustered.getTimestamp()).isEqualTo(planned).isLessThan(write);
    assertThat(snapshot(mb)).as("the batch's updates are not dropped by the older plan").isEqualTo(expected);
  }
}
