package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.CrashPoints;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs of one pipeline never overlap: the second exits with code 3, or waits; a killed holder is replaced. */
class ConcurrentRunTest {
  @TempDir Path dir;

  @Test
  void secondRunExitsCleanlyWhileTheFirstHoldsTheLock() throws Exception {
    Path spec = dir.resolve("p.yaml");
    Path logA = dir.resolve("a.log");
    Process a = startPausedInsideTheBatch(spec, "", logA);
    PipelineSpec s = SpecLoader.load(spec);
    long pidA = a.pid();

    Path logB = dir.resolve("b.log");
    assertThat(SluiceProcess.run(logB, Map.of(), "run", "--once", "-p", spec.toString())).isEqualTo(3);
    assertThat(Files.readString(logB)).contains("pipeline clicks is locked by another Sluice process (pid " + pidA,
        "--wait");

    Path logC = dir.resolve("c.log");
    long t0 = System.nanoTime();
    assertThat(SluiceProcess.run(logC, Map.of(), "run", "--once", "--wait", "2s", "-p", spec.toString())).isEqualTo(3);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));

    a.destroyForcibly();   // SIGKILL: the lock file stays behind, naming a dead pid
    a.waitFor();
    Path logD = dir.resolve("d.log");
    assertThat(SluiceProcess.run(logD, Map.of(), "run", "--once", "-p", spec.toString())).as(Files.readString(logD)).isZero();
    MiniBatch mb = new MiniBatch(s, new Configuration());
    assertThat(new SnapshotReader(mb.events(), mb.tableSchema()).read(null)).hasSize(50);
    assertThat(dir.resolve("work/locks/clicks.lock")).doesNotExist();
  }

  @Test
  void withAHudiLockProviderTheSecondRunIsRefusedThroughThatProvider() throws Exception {
    Path spec = dir.resolve("p.yaml");
    Process a = startPausedInsideTheBatch(spec,
        "hudi:\n  hoodie.write.lock.provider: org.apache.hudi.client.transaction.lock.FileSystemBasedLockProvider\n",
        dir.resolve("a.log"));
    assertThat(dir.resolve("work/locks/clicks.hudi")).exists();
    assertThat(dir.resolve("work/locks/clicks.lock")).doesNotExist();

    Path logB = dir.resolve("b.log");
    assertThat(SluiceProcess.run(logB, Map.of(), "run", "--once", "-p", spec.toString())).isEqualTo(3);
    assertThat(Files.readString(logB)).contains("pipeline clicks is locked by another run", "FileSystemBasedLockProvider");
    a.destroyForcibly();
    a.waitFor();
  }

  /** Writes the spec and one landing file, then starts a run that pauses holding the lock, data files written. */
  private Process startPausedInsideTheBatch(Path spec, String sections, Path log) throws Exception {
    ClicksPipeline.write(spec, dir.resolve("work").toString(), "", sections);
    Path landing = Path.of(java.net.URI.create(SpecLoader.load(spec).source().landingDir()));
    Files.createDirectories(landing);
    Files.writeString(landing.resolve("a.jsonl"), CrashRecoveryHdfsTest.events(0, 50, 0));
    File marker = dir.resolve("markers").resolve(CrashPoints.UPSERT_WRITTEN).toFile();
    Process a = SluiceProcess.start(log, Map.of(CrashPoints.ENV_POINT, CrashPoints.UPSERT_WRITTEN,
        CrashPoints.ENV_MARKER_DIR, marker.getParent()), "run", "--once", "-p", spec.toString());
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!marker.exists() && a.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(marker).as(Files.readString(log)).exists();
    return a;
  }
}
