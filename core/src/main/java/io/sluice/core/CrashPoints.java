package io.sluice.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Named points in a batch where a test can freeze the process to kill it with SIGKILL. Inert unless
 * the environment variable {@code SLUICE_PAUSE_AT} names the point; then the process writes
 * {@code <SLUICE_PAUSE_MARKER_DIR>/<point>} and sleeps until killed.
 */
public final class CrashPoints {
  public static final String ENV_POINT = "SLUICE_PAUSE_AT";
  public static final String ENV_MARKER_DIR = "SLUICE_PAUSE_MARKER_DIR";

  /** Files listed, nothing parsed yet. */
  public static final String INGEST_LISTED = "ingest.listed";
  /** Quarantine committed, events not yet written. */
  public static final String QUARANTINE_COMMITTED = "quarantine.committed";
  /** Hudi wrote data files and markers for the events instant; the instant is inflight. */
  public static final String UPSERT_WRITTEN = "upsert.written";
  /** The events commit is complete; cleaning and staging cleanup not yet done. */
  public static final String UPSERT_COMMITTED = "upsert.committed";

  /** Metric rows written for the metrics instant; the instant is inflight. */
  public static final String METRICS_WRITTEN = "metrics.written";
  /** Check results written for the checks run's instant; the instant is inflight, no alert sent yet. */
  public static final String CHECKS_WRITTEN = "checks.written";
  /** Check results committed; the run's profiles and detector state are staged, not yet published. */
  public static final String CHECKS_COMMITTED = "checks.committed";
  /** Every commit of the batch is done; the metastore sync is about to start. */
  public static final String SYNC_STARTED = "sync.started";

  private static final String TARGET = System.getenv(ENV_POINT);
  private static volatile java.util.function.Consumer<String> hook;

  private CrashPoints() {}

  /**
   * Test-only: {@code h} runs at every point, in the thread that reaches it, so a test in the same JVM can
   * inject a fault (stop a DataNode, take the NameNode away) at a named moment. {@code null} clears it.
   */
  public static void onReach(java.util.function.Consumer<String> h) {
    hook = h;
  }

  public static void reach(String point) {
    java.util.function.Consumer<String> h = hook;
    if (h != null && point != null) {
      h.accept(point);
    }
    if (TARGET == null || !TARGET.toLowerCase(Locale.ROOT).equals(point)) {
      return;
    }
    String dir = System.getenv(ENV_MARKER_DIR);
    try {
      if (dir != null) {
        Files.createDirectories(Path.of(dir));
        Files.writeString(Path.of(dir, point), Long.toString(ProcessHandle.current().pid()));
      }
      System.err.println("[sluice] paused at crash point " + point + "; waiting to be killed");
      Thread.sleep(Long.MAX_VALUE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write crash-point marker in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
