package io.sluice.cli;

import io.sluice.oozie.ActionOutput;
import io.sluice.oozie.OozieApp;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.StagedBatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Ingest stage: list new landing files, validate records, commit bad ones to <pipeline>_quarantine,",
        "and stage the good ones for the upsert stage. Does nothing while a staged batch is waiting."})
final class IngestCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Override
  public Integer call() {
    var spec = opts.load();
    var conf = io.sluice.core.util.HadoopConfs.of(spec);
    record Ingested(StagedBatch batch, boolean metricsBehind) {}
    Ingested in = opts.locked(spec, () -> new Ingested(new MiniBatch(spec, conf).ingestAndStage(),
        !spec.metrics().isEmpty() && new io.sluice.incremental.MetricWindowRecompute(spec, conf).behind()));
    StagedBatch b = in.batch();
    // An Oozie decision node reads this: later stages have work when a batch is staged (new, or left by a
    // failed run) or the metrics lag the events table (a run died between the two commits).
    ActionOutput.write(java.util.Map.of(OozieApp.PENDING, !b.isEmpty() || in.metricsBehind(),
        "records_in", b.recordsIn(), "good", b.records().size(), "quarantined", b.quarantined(),
        "backlog_files", b.backlogFiles()));
    if (opts.json) {
      Output.json(System.out, java.util.Map.of("files", b.fileReports().size(), "records_in", b.recordsIn(),
          "good", b.records().size(), "quarantined", b.quarantined(), "backlog_files", b.backlogFiles(),
          "staged", !b.isEmpty()));
    } else if (b.isEmpty()) {
      System.out.println("nothing new in the landing dir");
    } else {
      System.out.printf("staged %d files: %d records in = %d good + %d quarantined%n", b.fileReports().size(),
          b.recordsIn(), b.records().size(), b.quarantined());
    }
    return 0;
  }
}
