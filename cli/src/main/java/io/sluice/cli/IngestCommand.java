package io.sluice.cli;

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
    StagedBatch b = opts.locked(spec, () -> new MiniBatch(spec).ingestAndStage());
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
