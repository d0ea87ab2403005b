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

  @Override
  public Integer call() {
    if (to.isBefore(from)) {
      throw new SluiceException("--to " + to + " is before --from " + from);
    }
    var spec = opts.load();
    return opts.locked(spec, () -> backfill(spec));
  }

  private int backfill(io.sluice.core.spec.PipelineSpec spec) {
    MetricWindowRecompute m = new MetricWindowRecompute(spec, HadoopConfs.of(spec));
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
