package io.sluice.upserts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.testing.TestPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hudi 0.15.0's Java MOR upsert can pack new inserts into a base file whose slice has log files,
 * writing a new base file without the logs' updates. Sluice turns small-file packing off for MOR.
 */
class MorSmallFileRegressionTest {
  @TempDir Path dir;

  private MiniBatch pipeline(String hudi) throws Exception {
    PipelineSpec spec = TestPipeline.keyedEvents(dir).name("mor").type("mor")
        .hudi("hoodie.compact.inline.max.delta.commits: \"20\"").hudi(hudi).create();
    return new MiniBatch(spec, new Configuration());
  }

  private Map<String, Long> afterInsertUpdateInsert(MiniBatch mb) throws Exception {
    Path landing = dir.resolve("work/landing/mor");
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      first.append(String.format("{\"id\":\"k%d\",\"v\":1,\"ts\":1715000000000,\"seq\":1}%n", i));
    }
    Files.writeString(landing.resolve("1.jsonl"), first);
    mb.runOnce();
    Files.writeString(landing.resolve("2.jsonl"), "{\"id\":\"k1\",\"v\":2,\"ts\":1715000000000,\"seq\":2}\n");
    mb.runOnce();   // the update goes to a log file
    Files.writeString(landing.resolve("3.jsonl"), "{\"id\":\"new\",\"v\":1,\"ts\":1715000000000,\"seq\":1}\n");
    mb.runOnce();   // an insert into the same partition
    return new SnapshotReader(mb.events(), mb.tableSchema()).read(null).stream()
        .collect(Collectors.toMap(r -> r.get("id").toString(), r -> (Long) r.get("v")));
  }

  @Test
  void updatesInLogFilesSurviveLaterInserts() throws Exception {
    Map<String, Long> t = afterInsertUpdateInsert(pipeline(""));
    assertThat(t).hasSize(51).containsEntry("k1", 2L).containsEntry("new", 1L);
  }

  /** Canary: when this fails, Hudi fixed the bug and Sluice's MOR workaround can go. */
  @Test
  void upstreamBugStillLosesTheUpdateWithSmallFilePacking() throws Exception {
    Map<String, Long> t = afterInsertUpdateInsert(pipeline("hoodie.parquet.small.file.limit: \"104857600\""));
    assertThat(t).hasSize(51).containsEntry("k1", 1L);
  }
}
