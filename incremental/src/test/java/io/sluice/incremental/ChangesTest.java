package io.sluice.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.testing.TestPipeline;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangesTest {
  @TempDir Path dir;
  static final long DAY = 86_400_000L;
  static final long T0 = 1_715_000_000_000L;

  MiniBatch pipeline(String type, int days, String hudiExtra) throws Exception {
    PipelineSpec spec = TestPipeline.keyedEvents(dir).name("inc").type(type)
        .field("{\"name\":\"del\",\"type\":\"boolean\",\"default\":false}").table("delete-field: del")
        .hudi("hoodie.compact.inline.max.delta.commits: \"3\"").hudi(hudiExtra == null ? "" : hudiExtra).create();
    return new MiniBatch(spec, new Configuration());
  }

  static void land(MiniBatch mb, String name, String lines) throws Exception {
    Path landing = Path.of(java.net.URI.create(mb.events().layout().basePath())).getParent().getParent().resolve("landing/inc");
    Files.writeString(landing.resolve(name), lines);
  }

  static String line(int key, long v, long seq, boolean del) {
    long ts = T0 + (key % 7) * DAY;   // an event keeps its day
    return String.format("{\"id\":\"k%d\",\"v\":%d,\"ts\":%d,\"seq\":%d,\"del\":%s}%n", key, v, ts, seq, del);
  }

  static Map<String, Long> snapshot(MiniBatch mb) {
    return new SnapshotReader(mb.events(), mb.tableSchema()).read(null).stream()
        .collect(Collectors.toMap(r -> r.get("id").toString(), r -> (Long) r.get("v")));
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @CsvSource({"cow,1", "mor,2", "cow,3", "mor,4"})
  void applyingEachChangeSetToTheOldSnapshotGivesTheNewOne(String type, long seed) throws Exception {
    MiniBatch mb = pipeline(type, 7, null);
    Random rnd = new Random(seed);
    Map<String, Long> prev = new HashMap<>();
    String prevInstant = null;
    long seq = 0;
    for (int b = 0; b < 8; b++) {
      StringBuilder sb = new StringBuilder();
      int n = 20 + rnd.nextInt(60);
      for (int i = 0; i < n; i++) {
        int key = rnd.nextInt(120);
        double op = rnd.nextDouble();
        seq++;
        if (op < 0.12) {
          sb.append(line(key, 0, seq, true));                    // delete (maybe of a missing key)
        } else if (op < 0.2) {
          sb.append(line(key, 999, Math.max(0, seq - 500), false)); // stale re-delivery: loses
        } else {
          sb.append(line(key, seq, seq, false));
        }
        if (rnd.nextDouble() < 0.1) {
          sb.append(line(key, seq, seq, false));                 // duplicate delivery in the batch
        }
      }
      land(mb, "b" + b + ".jsonl", sb.toString());
      mb.runOnce();
      Map<String, Long> now = snapshot(mb);
      ChangeSet cs = Changes.of(mb.events(), mb.tableSchema()).since(prevInstant).read();
      assertThat(cs.instants()).hasSize(1);

      Map<String, Long> applied = new HashMap<>(prev);
      for (Change c : cs.changes()) {
        switch (c.op()) {
          case INSERT -> {
            assertThat(c.before()).isNull();
            assertThat(applied.put(c.key(), (Long) c.after().get("v"))).as("insert of existing " + c.key()).isNull();
          }
          case UPDATE -> {
            assertThat(applied.get(c.key())).isEqualTo(c.before().get("v"));
            applied.put(c.key(), (Long) c.after().get("v"));
          }
          case DELETE -> {
            assertThat(c.after()).isNull();
            assertThat(applied.remove(c.key())).as("delete of missing " + c.key()).isEqualTo(c.before().get("v"));
          }
        }
      }
      assertThat(applied).as("batch " + b).isEqualTo(now);
      Set<String> inserted = new HashSet<>(now.keySet());
      inserted.removeAll(prev.keySet());
      Set<String> deleted = new HashSet<>(prev.keySet());
      deleted.removeAll(now.keySet());
      assertThat(cs.changes().stream().filter(c -> c.op() == Change.Op.INSERT).map(Change::key)).containsExactlyInAnyOrderElementsOf(inserted);
      assertThat(cs.changes().stream().filter(c -> c.op() == Change.Op.DELETE).map(Change::key)).containsExactlyInAnyOrderElementsOf(deleted);
      prev = now;
      prevInstant = cs.until();
    }
    if (type.equals("mor")) {
      // MOR's inline clustering ran within the range, so the sets above were read across it.
      assertThat(mb.events().metaClient().getActiveTimeline().getCompletedReplaceTimeline().countInstants())
          .as("clusterings").isPositive();
    }
    // the whole history in one scan nets out to the final snapshot
    ChangeSet all = Changes.of(mb.events(), mb.tableSchema()).read();
    assertThat(all.count(Change.Op.DELETE)).isZero();
    assertThat(all.changes().stream().collect(Collectors.toMap(Change::key, c -> (Long) c.after().get("v")))).isEqualTo(prev);
  }

  @Test
  void readsOnlyTheFileGroupsTheRangeWrote() throws Exception {
    MiniBatch mb = pipeline("cow", 30, null);
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < 3000; k++) {
      long ts = T0 + (k % 30) * DAY;
      sb.append(String.format("{\"id\":\"k%d\",\"v\":1,\"ts\":%d,\"seq\":1}%n", k, ts));
    }
    land(mb, "big.jsonl", sb.toString());
    mb.runOnce();
    ChangeSet full = Changes.of(mb.events(), mb.tableSchema()).read();
    assertThat(full.partitions()).hasSize(30);
    String base = full.until();
    land(mb, "late.jsonl", String.format("{\"id\":\"k3\",\"v\":2,\"ts\":%d,\"seq\":2}%n{\"id\":\"new\",\"v\":1,\"ts\":%d,\"seq\":1}%n",
        T0 + 3 * DAY, T0 + 3 * DAY));
    mb.runOnce();
    ChangeSet cs = Changes.of(mb.events(), mb.tableSchema()).since(base).read();
    assertThat(cs.partitions()).containsExactly("dt=" + io.sluice.core.spec.EventSchemas.day(T0 + 3 * DAY));
    assertThat(cs.changes()).extracting(Change::key).containsExactlyInAnyOrder("k3", "new");
    assertThat(cs.metrics().fileGroups()).isEqualTo(1);
    assertThat(cs.metrics().bytesRead()).isLessThan(full.metrics().bytesRead() / 10);
    assertThat(cs.metrics().recordsRead()).isLessThanOrEqualTo(2 * 101L + 1);
  }

  @Test
  void aLargeNewFileGroupReadInPartsGivesTheSameChangesInTheSameOrder() throws Exception {
    // 16 KB row groups, so a file of 20,000 events has many for the parts to split.
    MiniBatch mb = pipeline("cow", 2, "hoodie.parquet.block.size: \"16384\"\nhoodie.parquet.page.size: \"4096\"");
    land(mb, "a.jsonl", line(1, 1, 1, false));
    mb.runOnce();
    String first = Changes.of(mb.events(), mb.tableSchema()).read().until();
    StringBuilder sb = new StringBuilder();
    long day = T0 + 20 * DAY;
    for (int k = 0; k < 20_000; k++) {
      sb.append(String.format("{\"id\":\"n%d\",\"v\":%d,\"ts\":%d,\"seq\":1}%n", k, k, day + k));
    }
    land(mb, "b.jsonl", sb.toString());
    mb.runOnce();

    Path partition = Path.of(java.net.URI.create(mb.events().layout().basePath()))
        .resolve("dt=" + io.sluice.core.spec.EventSchemas.day(day));
    java.util.List<Path> files;
    try (var s = Files.list(partition)) {
      files = s.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
    assertThat(files).hasSize(1);
    try (var r = org.apache.parquet.hadoop.ParquetFileReader.open(org.apache.parquet.hadoop.util.HadoopInputFile
        .fromPath(new org.apache.hadoop.fs.Path(files.get(0).toUri()), new Configuration()))) {
      assertThat(r.getRowGroups()).hasSizeGreaterThan(4);
    }

    long split = Changes.splitBytes;
    ChangeSet whole;
    ChangeSet parts;
    try {
      Changes.splitBytes = Long.MAX_VALUE;
      whole = Changes.of(mb.events(), mb.tableSchema()).since(first).read();
      Changes.splitBytes = 1;
      parts = Changes.of(mb.events(), mb.tableSchema()).since(first).read();
    } finally {
      Changes.splitBytes = split;
    }
    assertThat(whole.changes()).hasSize(20_000);
    assertThat(parts.changes()).extracting(Change::key).containsExactlyElementsOf(
        whole.changes().stream().map(Change::key).toList());
    assertThat(parts.changes()).extracting(c -> c.op() + " " + c.after().get("v"))
        .containsExactlyElementsOf(whole.changes().stream().map(c -> c.op() + " " + c.after().get("v")).toList());
    assertThat(parts.metrics().recordsRead()).isEqualTo(whole.metrics().recordsRead());
    assertThat(parts.metrics().bytesRead()).isEqualTo(whole.metrics().bytesRead());
  }

  @Test
  void aChangeCacheReusesTheSetOfAnIdenticalFixedRangeOnly() throws Exception {
    MiniBatch mb = pipeline("cow", 7, null);
    land(mb, "a.jsonl", line(1, 1, 1, false) + line(2, 1, 1, false));
    mb.runOnce();
    String first = Changes.of(mb.events(), mb.tableSchema()).read().until();
    land(mb, "b.jsonl", line(3, 1, 1, false) + line(1, 2, 2, false));
    mb.runOnce();
    String second = Changes.of(mb.events(), mb.tableSchema()).read().until();

    ChangeSetCache cache = new ChangeSetCache();
    ChangeSet a = cache.read(mb.events(), mb.tableSchema(), null, first);
    assertThat(cache.read(mb.events(), mb.tableSchema(), null, first)).isSameAs(a);
    ChangeSet b = cache.read(mb.events(), mb.tableSchema(), first, second);
    assertThat(b).isNotSameAs(a);
    assertThat(b.changes()).extracting(Change::key).containsExactlyInAnyOrder("k3", "k1");
    assertThat(cache.read(mb.events(), mb.tableSchema(), null, first)).as("only the last range is held")
        .isNotSameAs(a).extracting(ChangeSet::until).isEqualTo(first);
    ChangeSet latest = cache.read(mb.events(), mb.tableSchema(), first, null);
    assertThat(cache.read(mb.events(), mb.tableSchema(), first, null)).as("'latest' may move: read again")
        .isNotSameAs(latest);
    ChangeSet held = cache.read(mb.events(), mb.tableSchema(), first, second);
    cache.clear();
    assertThat(cache.read(mb.events(), mb.tableSchema(), first, second)).isNotSameAs(held);
    ChangeSetCache none = ChangeSetCache.none();
    ChangeSet once = none.read(mb.events(), mb.tableSchema(), first, second);
    assertThat(none.read(mb.events(), mb.tableSchema(), first, second)).as("a stage on its own keeps nothing")
        .isNotSameAs(once).extracting(ChangeSet::changes).asList().hasSameSizeAs(once.changes());
  }

  @Test
  void rangeWhoseFileVersionsWereCleanedFailsInsteadOfReturningLess() throws Exception {
    MiniBatch mb = pipeline("cow", 1, "hoodie.cleaner.commits.retained: \"1\"\nhoodie.keep.min.commits: \"3\"\nhoodie.keep.max.commits: \"4\"");
    String first = null;
    for (int b = 0; b < 6; b++) {
      land(mb, "b" + b + ".jsonl", line(1, b, b + 1, false) + line(2, b, b + 1, false));
      mb.runOnce();
      if (first == null) {
        first = new SnapshotReader(mb.events(), mb.tableSchema()).latestInstant().orElseThrow();
      }
    }
    String since = first;
    assertThatThrownBy(() -> Changes.of(mb.events(), mb.tableSchema()).since(since).read())
        .isInstanceOf(RangeUnavailableException.class)
        .hasMessageContaining("can no longer be read incrementally")
        .hasMessageContaining("sluice incremental --full");
    assertThatThrownBy(() -> Changes.of(mb.events(), mb.tableSchema()).read())
        .isInstanceOf(RangeUnavailableException.class).hasMessageContaining("archived");
    // the most recent range is still readable
    String latest = new SnapshotReader(mb.events(), mb.tableSchema()).latestInstant().orElseThrow();
    assertThat(Changes.of(mb.events(), mb.tableSchema()).since(latest).read().isEmpty()).isTrue();
  }
}
