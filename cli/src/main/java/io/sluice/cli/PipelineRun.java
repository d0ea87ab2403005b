package io.sluice.cli;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.upserts.BatchReport;
import io.sluice.upserts.MiniBatch;
import org.apache.hadoop.conf.Configuration;

/**
 * One mini-batch through every stage Sluice has, in order. {@code run}, {@code demo} and the Oozie
 * actions share it, so a new stage (incremental recompute, checks, sync) plugs in here once.
 */
final class PipelineRun {
  /** Results of one batch, one field per stage. */
  record Report(BatchReport upsert) {}

  private final MiniBatch batch;

  PipelineRun(PipelineSpec spec, Configuration conf) {
    this.batch = new MiniBatch(spec, conf);
  }

  MiniBatch miniBatch() {
    return batch;
  }

  Report once() {
    return new Report(batch.runOnce());
  }
}
