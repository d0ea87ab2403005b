package io.sluice.cli;

import io.sluice.checks.ChecksReport;
import io.sluice.checks.ChecksStage;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.hive.MetastoreSync;
import io.sluice.incremental.ChangeSetCache;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.RecomputeReport;
import io.sluice.upserts.BatchReport;
import io.sluice.upserts.MiniBatch;
import java.time.Clock;
import org.apache.hadoop.conf.Configuration;

/**
 * One mini-batch through every stage Sluice has, in order. {@code run}, {@code demo} and the Oozie
 * actions share it, so a new stage (incremental recompute, checks, sync) plugs in here once.
 */
final class PipelineRun {
  /** Results of one batch, one field per stage. */
  record Report(BatchReport upsert, RecomputeReport metrics, ChecksReport checks, MetastoreSync.Report sync) {}

  private final MiniBatch batch;
  private final MetricWindowRecompute metrics;
  private final ChecksStage checks;
  private final MetastoreSync sync;
  /** Metrics and checks consume the same batch: its changes are read once per run. */
  private final ChangeSetCache changes = new ChangeSetCache();

  PipelineRun(PipelineSpec spec, Configuration conf) {
    this(spec, conf, Clock.systemUTC());
  }

  /** With {@code clock} as the checks' "now" (the demo runs on simulated time). */
  PipelineRun(PipelineSpec spec, Configuration conf, Clock clock) {
    this.batch = new MiniBatch(spec, conf);
    this.metrics = spec.metrics().isEmpty() ? null : new MetricWindowRecompute(spec, conf).withChangeCache(changes);
    this.checks = metrics == null || !spec.checks().enabled() ? null
        : new ChecksStage(spec, conf).withClock(clock).withChangeCache(changes);
    this.sync = spec.hive().sync() ? new MetastoreSync(spec, conf) : null;
  }

  /** The checks stage, or null when disabled or without metrics. */
  ChecksStage checks() {
    return checks;
  }

  /** The metrics stage, or null when the spec defines no metrics. */
  MetricWindowRecompute metrics() {
    return metrics;
  }

  MiniBatch miniBatch() {
    return batch;
  }

  Report once() {
    BatchReport upsert = batch.runOnce();
    // Recompute also when no new files arrived: an earlier run may have died between the two commits.
    RecomputeReport m;
    ChecksReport c;
    try {
      m = metrics == null ? null : metrics.incremental();
      c = checks == null ? null : checks.run();
    } finally {
      changes.clear();
    }
    // Sync after every stage committed; a failed sync is reported and retried, never fails the run.
    boolean changed = !upsert.nothingNew() || (m != null && !m.nothingNew()) || (c != null && !c.nothingNew());
    MetastoreSync.Report s = sync == null || !changed && sync.pending().isEmpty() ? null : sync.syncAll();
    return new Report(upsert, m, c, s);
  }
}
