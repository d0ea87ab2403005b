package io.sluice.cli;

import io.sluice.core.util.HadoopConfs;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.RecomputeReport;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "incremental", mixinStandardHelpOptions = true,
    description = {"Recompute the metric windows that changed since the last run (reads only changed file groups",
        "and the partitions holding touched windows). --full recomputes every window of a date range from scratch."})
final class IncrementalCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Option(names = "--full", description = "Recompute all windows (of --from..--to if given) from scratch")
  boolean full;

  @Option(names = "--from", paramLabel = "DATE", description = "With --full: first UTC date, yyyy-MM-dd")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "With --full: last UTC date, yyyy-MM-dd")
  LocalDate to;

  @Override
  public Integer call() {
    var spec = opts.load();
    RecomputeReport r = opts.locked(spec, () -> {
      MetricWindowRecompute m = new MetricWindowRecompute(spec, HadoopConfs.of(spec));
      return full ? m.full(from, to) : m.incremental();
    });
    if (opts.json) {
      Output.json(System.out, r);
    } else {
      Output.recompute(System.out, spec.name(), r);
    }
    return 0;
  }
}
