package io.sluice.cli;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.RecomputeReport;
import io.sluice.upserts.BatchReport;
import io.sluice.upserts.MiniBatch;
import org.apache.hadoop.conf.Configuration;

/**
 * One mini-batch through every stage Sluice has, in order. {@code run}, {@code demo} and the Oozie
 * actions share it, so a new stage (incremental recompute, checks, sync) plugs in here once.
 */
final class PipelineRun {
  /** Results of one batch, one field per stage. */
  record Report(BatchReport upsert, RecomputeReport metrics) {}

  private final MiniBatch batch;
  private final MetricWindowRecompute metrics;

  PipelineRun(PipelineSpec spec, Configuration conf) {
    this.batch = new MiniBatch(spec, conf);
    this.metrics = spec.metrics().isEmpty() ? null : new MetricWindowRecompute(spec, conf);
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
    return new Report(upsert, metrics == null ? null : metrics.incremental());
  }
}
