package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.DemoEvents;
import io.sluice.core.CrashPoints;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.testing.MiniDfs;
import io.sluice.incremental.MetricRows;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Storage faults on a real HDFS (3 DataNodes, replication 2) in the middle of a batch: a DataNode dies
 * before the batch writes, or the NameNode goes away between Hudi writing data files and committing.
 * The batch either completes or fails cleanly; the next run then leaves exactly a fault-free run's tables.
 */
class StorageFaultTest {
  static MiniDfs dfs;
  static Path local;
  static String landing;
  static DemoEvents events;
  static Map<String, Map<String, Object>> referenceMetrics;

  @BeforeAll
  static void start() throws Exception {
    dfs = new MiniDfs("faults", 3);
    local = Files.createTempDirectory("sluice-faults");
    Files.copy(Path.of(System.getProperty("sluice.repo.root", "..")).resolve("conf/demo.avsc"), local.resolve("demo.avsc"));
    landing = dfs.uri() + "/landing/clicks";
    events = new DemoEvents(DemoEvents.Config.defaults(Instant.parse("2026-11-20T10:00:00Z")).withEventsPerBatch(600));
    for (int b = 0; b < 2; b++) {
      events.writeBatch(b, dfs.fs(), new org.apache.hadoop.fs.Path(landing));
    }
    PipelineSpec ref = spec("reference");
    runOnce(ref);
    referenceMetrics = MetricRows.canonical(new MetricWindowRecompute(ref, dfs.conf()).metricsTable());
    assertThat(referenceMetrics).isNotEmpty();
    assertThat(live(ref)).isEqualTo(events.expectedLive());
  }

  @AfterEach
  void noHook() {
    CrashPoints.onReach(null);
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.close();
    }
  }

  static PipelineSpec spec(String name) throws Exception {
    Path f = ClicksPipeline.write(local.resolve(name + ".yaml"), dfs.uri() + "/work/" + name, "landing-dir: " + landing,
        ClicksPipeline.BY_PLATFORM_METRICS + ClicksPipeline.NO_SYNC);
    return SpecLoader.load(f);
  }

  /** One batch, both commits, in this JVM (so a hook can fault the cluster at a named point). */
  static void runOnce(PipelineSpec spec) {
    new MiniBatch(spec, dfs.conf()).runOnce();
    new MetricWindowRecompute(spec, dfs.conf()).incremental();
  }

  static Map<String, Long> live(PipelineSpec spec) {
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    Map<String, Long> out = new TreeMap<>();
    for (GenericRecord r : new SnapshotReader(mb.events(), mb.tableSchema()).read(null)) {
      assertThat(out.put(r.get("event_id").toString(), (Long) r.get("updated_at"))).as("duplicate key").isNull();
    }
    return out;
  }

  /** Runs a batch with {@code fault} armed; the batch may fail, but only with an exception, never silently. */
  static Throwable faultedRun(PipelineSpec spec, String point, Runnable fault) {
    AtomicBoolean fired = new AtomicBoolean();
    Consumer<String> hook = p -> {
      if (p.equals(point) && fired.compareAndSet(false, true)) {
        fault.run();
      }
    };
    CrashPoints.onReach(hook);
    RuntimeException failure = null;
    try {
      runOnce(spec);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      CrashPoints.onReach(null);
    }
    assertThat(fired).as("fault at " + point + " fired; the batch " + (failure == null ? "completed"
        : "failed first: " + org.apache.commons.lang3.exception.ExceptionUtils.getStackTrace(failure))).isTrue();
    return failure;
  }

  static void assertSameAsFaultFree(PipelineSpec spec) {
    assertThat(live(spec)).isEqualTo(events.expectedLive());
    MetricWindowRecompute m = new MetricWindowRecompute(spec, dfs.conf());
    assertThat(MetricRows.canonical(m.metricsTable())).isEqualTo(referenceMetrics);
    MiniBatch mb = new MiniBatch(spec, dfs.conf());
    for (HudiTable t : List.of(mb.events(), mb.quarantine().table(), m.metricsTable().table())) {
      assertThat(t.metaClient().reloadActiveTimeline().filterInflightsAndRequested().countInstants())
          .as("pending instants on " + t.layout().name()).isZero();
    }
    assertThat(mb.runOnce().nothingNew()).as("nothing left to redo").isTrue();
  }

  @Test
  void dataNodeDyingMidBatchLosesNothing() throws Exception {
    PipelineSpec spec = spec("datanode");
    MiniDFSCluster c = dfs.cluster();
    // Files are listed; every write of the batch comes after one of three DataNodes is gone.
    MiniDFSCluster.DataNodeProperties[] stopped = new MiniDFSCluster.DataNodeProperties[1];
    Throwable failure = faultedRun(spec, CrashPoints.INGEST_LISTED, () -> stopped[0] = c.stopDataNode(0));
    try {
      System.err.println("batch with a dead DataNode: " + (failure == null ? "completed" : "failed cleanly: " + failure));
      if (failure != null) {
        runOnce(spec);  // a failed batch must succeed on the next run, DataNode still down
      }
      assertSameAsFaultFree(spec);
    } finally {
      c.restartDataNode(stopped[0], true);
      c.waitActive();
    }
  }

  @Test
  void nameNodeBrieflyUnavailableBeforeTheCommitLosesNothing() throws Exception {
    PipelineSpec spec = spec("namenode");
    MiniDFSCluster c = dfs.cluster();
    // Data files are written, the instant is inflight; the NameNode goes away for ~3 s.
    Thread[] restart = new Thread[1];
    Throwable failure = faultedRun(spec, CrashPoints.UPSERT_WRITTEN, () -> {
      c.shutdownNameNode(0);
      restart[0] = new Thread(() -> {
        try {
          Thread.sleep(3000);
          c.restartNameNode(0, true);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      restart[0].setDaemon(true);
      restart[0].start();
    });
    restart[0].join(120_000);  // the operator's part: the NameNode is back before the next run
    c.waitActive();
    System.err.println("batch with a NameNode outage: " + (failure == null ? "completed" : "failed cleanly: " + failure));
    if (failure != null) {
      runOnce(spec);
    }
    assertSameAsFaultFree(spec);
  }
}
