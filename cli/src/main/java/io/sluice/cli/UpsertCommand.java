package io.sluice.cli;

import io.sluice.upserts.BatchReport;
import io.sluice.upserts.MiniBatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "upsert", mixinStandardHelpOptions = true,
    description = "Upsert stage: commit the batch staged by 'ingest' to the events table, with its checkpoint.")
final class UpsertCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Override
  public Integer call() {
    var spec = opts.load();
    BatchReport r = opts.locked(spec, () -> new MiniBatch(spec).upsertStaged());
    if (opts.json) {
      Output.json(System.out, r);
    } else {
      Output.batch(System.out, r);
    }
    return 0;
  }
}
