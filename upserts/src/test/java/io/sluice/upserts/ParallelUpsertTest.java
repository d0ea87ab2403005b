package io.sluice.upserts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.testing.TestPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upserts that write their file groups on two threads leave exactly the table one thread leaves:
 * same rows, same versions, deletes applied, over inserts, updates across file groups, late events and
 * keys delivered more than once in a batch.
 */
class ParallelUpsertTest {
  @TempDir Path dir;

  private MiniBatch pipeline(String type, int threads) throws Exception {
    return pipeline(type, threads, "", type + threads);
  }

  private MiniBatch pipeline(String type, int threads, String extraHudi, String name) throws Exception {
    Path root = Files.createDirectories(dir.resolve(name));
    PipelineSpec spec = TestPipeline.keyedEvents(root).name("par").type(type)
        .field("{\"name\":\"gone\",\"type\":[\"null\",\"boolean\"],\"default\":null}")
        .table("delete-field: gone\nwrite-threads: " + threads)
        .hudi("""
            # small insert buckets, so every batch writes many file groups
            hoodie.copyonwrite.insert.auto.split: "false"
            hoodie.copyonwrite.insert.split.size: "150"
            hoodie.compact.inline.max.delta.commits: "2"
            """).hudi(extraHudi).create();
    return new MiniBatch(spec, new Configuration());
  }

  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_715_000_000_000L;

  private static String event(int key, long v, int day, long seq, boolean gone) {
    return String.format("{\"id\":\"k%d\",\"v\":%d,\"ts\":%d,\"seq\":%d,\"gone\":%s}%n", key, v, T0 + day * DAY, seq, gone);
  }

  /** Three batches: a load over 3 days; updates, late events and deletes over every file group; more of each. */
  private Map<String, String> run(MiniBatch mb, Path landing) throws Exception {
    Path in = Files.createDirectories(landing);
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < 1500; k++) {
      b.append(event(k, k, k % 3, 1, false));
    }
    Files.writeString(in.resolve("1.jsonl"), b);
    mb.runOnce();
    for (int batch = 2; batch <= 3; batch++) {
      b.setLength(0);
      for (int k = batch; k < 1500; k += 7) {
        b.append(event(k, 1000L * batch + k, k % 3, batch, k % 5 == 0));   // updates, every 5th a delete
      }
      for (int k = batch; k < 1500; k += 7) {
        // re-deliveries in the same batch: a stale copy loses to the update, a newer one wins
        if (k % 11 == 0) {
          b.append(event(k, -1, k % 3, 0, false));
        }
        if (k % 13 == 0) {
          b.append(event(k, 5000 + k, k % 3, batch + 100, k % 5 == 0));
        }
      }
      for (int k = 0; k < 600; k++) {
        int key = 1500 * batch + k;
        b.append(event(key, key, k % 10 == 0 ? -batch : 3, batch, false));  // new, 10% late for an older day
      }
      Files.writeString(in.resolve(batch + ".jsonl"), b);
      mb.runOnce();
    }
    Map<String, String> rows = new TreeMap<>();
    for (GenericRecord r : new SnapshotReader(mb.events(), mb.tableSchema()).read(null)) {
      String previous = rows.put(r.get("id").toString(), r.get("v") + "@" + r.get("seq"));
      assertThat(previous).as("key %s stored twice", r.get("id")).isNull();
    }
    return rows;
  }

  private static int fileGroupsOfLastCommit(MiniBatch mb) throws Exception {
    HoodieTableMetaClient meta = mb.events().metaClient();
    HoodieInstant last = meta.getActiveTimeline().getDeltaCommitTimeline().getInstants().isEmpty()
        ? meta.getActiveTimeline().getCommitTimeline().filterCompletedInstants().lastInstant().get()
        : meta.getActiveTimeline().getDeltaCommitTimeline().filterCompletedInstants().lastInstant().get();
    HoodieCommitMetadata md = HoodieCommitMetadata.fromBytes(
        meta.getActiveTimeline().getInstantDetails(last).get(), HoodieCommitMetadata.class);
    return md.getWriteStats().size();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cow", "mor"})
  void twoWriteThreadsLeaveTheSameTableAsOne(String type) throws Exception {
    MiniBatch serial = pipeline(type, 1);
    MiniBatch parallel = pipeline(type, 2);
    Map<String, String> expected = run(serial, dir.resolve(type + "1/work/landing/par"));
    Map<String, String> actual = run(parallel, dir.resolve(type + "2/work/landing/par"));

    assertThat(fileGroupsOfLastCommit(parallel)).as("file groups the last upsert wrote").isGreaterThan(4);
    // 1500 loaded + 2 x 600 new, minus the keys deleted in batches 2 and 3
    long deleted = java.util.stream.IntStream.range(0, 1500)
        .filter(k -> (k - 2) % 7 == 0 && k >= 2 && k % 5 == 0 || (k - 3) % 7 == 0 && k >= 3 && k % 5 == 0).count();
    assertThat(actual).hasSize((int) (2700 - deleted)).isEqualTo(expected);
    assertThat(actual).containsEntry("k3", "3003@3").containsEntry("k9", "2009@2").doesNotContainKey("k10")
        .containsEntry("k44", "2044@2").containsEntry("k156", "5156@102");
  }

  /** Merge handles that spill every incoming record to disk (Kryo) write the same table as ones that do not. */
  @Test
  void recordsSpilledByAMergeHandleWriteTheSameTable() throws Exception {
    MiniBatch memory = pipeline("cow", 1);
    MiniBatch spilling = pipeline("cow", 2, "  hoodie.memory.merge.max.size: \"1\"\n", "spill");
    Map<String, String> expected = run(memory, dir.resolve("cow1/work/landing/par"));
    assertThat(run(spilling, dir.resolve("spill/work/landing/par"))).isEqualTo(expected);
  }
}
