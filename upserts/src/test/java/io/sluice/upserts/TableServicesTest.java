package io.sluice.upserts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.testing.TestPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Many small batches on COW and MOR: the snapshot stays right while Hudi cleans, archives and compacts. */
class TableServicesTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"cow", "mor"})
  void tableStaysCorrectAndHealthyOverManyBatches(String type) throws Exception {
    PipelineSpec spec = TestPipeline.keyedEvents(dir).name("svc").type(type).hudi("""
        hoodie.cleaner.commits.retained: "2"
        hoodie.keep.min.commits: "4"
        hoodie.keep.max.commits: "5"
        hoodie.compact.inline.max.delta.commits: "3"
        """).create();
    Path landing = TestPipeline.landing(spec);
    Map<String, Long> expected = new HashMap<>();
    MiniBatch mb = new MiniBatch(spec, new Configuration());
    int batches = 9;
    for (int b = 0; b < batches; b++) {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < 40; k++) {
        int key = (b * 13 + k) % 60;                // overlapping keys: updates every batch
        String id = "k" + key;
        long ts = 1_715_000_000_000L + (key % 3) * 86_400_000L;   // an event keeps its day
        long seq = b * 100L + k;
        sb.append(String.format("{\"id\":\"%s\",\"v\":%d,\"ts\":%d,\"seq\":%d}%n", id, seq, ts, seq));
        expected.merge(id, seq, Math::max);
      }
      Files.writeString(landing.resolve("b" + b + ".jsonl"), sb.toString());
      assertThat(mb.runOnce().recordsIn()).isEqualTo(40);
    }
    List<GenericRecord> rows = new SnapshotReader(mb.events(), mb.tableSchema()).read(null);
    Map<String, Long> actual = rows.stream().collect(Collectors.toMap(r -> r.get("id").toString(), r -> (Long) r.get("v")));
    assertThat(actual).isEqualTo(expected);

    var all = mb.events().metaClient().getActiveTimeline();
    assertThat(all.getCleanerTimeline().filterCompletedInstants().countInstants()).as("clean instants").isPositive();
    assertThat(mb.events().metaClient().getArchivedTimeline().getInstants()).as("archived instants").isNotEmpty();
    assertThat(all.filterInflightsAndRequested().countInstants()).isZero();
    if (type.equals("mor")) {
      assertThat(all.getCommitTimeline().filterCompletedInstants().countInstants()).as("compactions").isPositive();
      assertThat(all.getDeltaCommitTimeline().filterCompletedInstants().countInstants()).isPositive();
    }
    // the checkpoint survives compaction and archival: nothing new is re-read
    assertThat(mb.runOnce().nothingNew()).isTrue();
  }
}
