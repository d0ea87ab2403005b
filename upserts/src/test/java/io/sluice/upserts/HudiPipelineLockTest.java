package io.sluice.upserts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.PipelineLock;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline lock through Hudi's FileSystemBasedLockProvider (the same path ZooKeeper and HMS take). */
class HudiPipelineLockTest {
  @TempDir Path dir;

  private PipelineSpec spec(String provider) throws Exception {
    Files.writeString(dir.resolve("e.avsc"), """
        {"type":"record","name":"E","fields":[{"name":"id","type":"string"},
          {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"seq","type":"long"}]}""");
    Path f = dir.resolve("p.yaml");
    Files.writeString(f, """
        name: locked
        work-dir: %s
        source: {schema: e.avsc}
        table: {record-key: [id], ordering-field: seq, event-time-field: ts}
        """.formatted(dir.resolve("work")));
    return SpecLoader.load(f, Map.of("hudi." + HudiPipelineLock.PROVIDER, provider));
  }

  @Test
  void secondHolderWaitsThenFailsNamingTheProviderAndGetsItOnceReleased() throws Exception {
    PipelineSpec s = spec("org.apache.hudi.client.transaction.lock.FileSystemBasedLockProvider");
    Configuration conf = new Configuration();
    assertThat(HudiPipelineLock.configured(s)).isTrue();
    HudiPipelineLock first = HudiPipelineLock.acquire(s, conf, Duration.ZERO);
    assertThat(dir.resolve("work/locks/locked.hudi")).exists();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> HudiPipelineLock.acquire(s, conf, Duration.ofSeconds(2)))
        .isInstanceOf(PipelineLock.HeldException.class)
        .hasMessageContaining("pipeline locked is locked by another run")
        .hasMessageContaining("FileSystemBasedLockProvider").hasMessageContaining("--wait");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    first.close();
    try (HudiPipelineLock again = HudiPipelineLock.acquire(s, conf, Duration.ZERO)) {
      assertThat(again).isNotNull();
    }
  }

  @Test
  void unknownProviderIsAClearError() throws Exception {
    PipelineSpec s = spec("com.example.NoSuchLockProvider");
    assertThatThrownBy(() -> HudiPipelineLock.acquire(s, new Configuration(), Duration.ZERO))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("cannot create the lock provider com.example.NoSuchLockProvider");
  }
}
