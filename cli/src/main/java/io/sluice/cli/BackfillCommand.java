package io.sluice.cli;

import io.sluice.core.SluiceException;
import io.sluice.core.util.HadoopConfs;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.RecomputeReport;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backfill", mixinStandardHelpOptions = true,
    description = {"Recompute the metrics of a UTC date range from the events table, one day at a time, with",
        "progress. Idempotent: rerunning gives the same tables. Also the way back after the incremental range",
        "was cleaned."})
final class BackfillCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Option(names = "--from", required = true, paramLabel = "DATE", description = "First UTC date, yyyy-MM-dd")
  LocalDate from;

  @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last UTC date, yyyy-MM-dd")
  LocalDate to;

  @Option(names = "--reingest", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = {"First re-read the raw landing files already ingested and upsert again the events of the",
          "range (repairs the events table from the raw data; idempotent), then recompute. Default false."})
  boolean reingest;

  @Override
  public Integer call() {
    if (to.isBefore(from)) {
      throw new SluiceException("--to " + to + " is before --from " + from);
    }
    var spec = opts.load();
    return opts.locked(spec, () -> backfill(spec));
  }

  private int backfill(io.sluice.core.spec.PipelineSpec spec) {
    var conf = HadoopConfs.of(spec);
    if (reingest) {
      var r = new io.sluice.upserts.MiniBatch(spec, conf).reingest(from, to, (done, total, upserted) -> {
        if (!opts.json) {
          System.out.printf("re-ingest: %d/%d landing files read, %d events of the range upserted%n", done, total, upserted);
        }
      });
      if (opts.json) {
        Output.json(System.out, java.util.Map.of("reingest", r));
      } else {
        System.out.printf("re-ingest: %d files, %d records in = %d good + %d quarantined; %d events in %s..%s upserted"
            + " in %d commits%n", r.files(), r.recordsIn(), r.recordsIn() - r.quarantined(), r.quarantined(),
            r.inRange(), from, to, r.commits());
      }
    }
    MetricWindowRecompute m = new MetricWindowRecompute(spec, conf);
    long days = to.toEpochDay() - from.toEpochDay() + 1;
    int n = 0;
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      RecomputeReport r = m.full(d, d);
      n++;
      if (opts.json) {
        Output.json(System.out, java.util.Map.of("day", d.toString(), "progress", n + "/" + days, "report", r));
      } else {
        System.out.printf("[%d/%d] %s: %d records, %d windows, %d rows written, %d deleted%n", n, days, d,
            r.snapshotRecords(), r.windows(), r.rowsWritten(), r.rowsDeleted());
      }
    }
    return 0;
  }
}
