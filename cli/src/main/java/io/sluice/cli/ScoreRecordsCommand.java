package io.sluice.cli;

import io.sluice.checks.records.RecordBatch;
import io.sluice.checks.records.RecordModel;
import io.sluice.checks.records.RecordModelStore;
import io.sluice.checks.records.RecordRange;
import io.sluice.core.SluiceException;
import io.sluice.core.util.HadoopConfs;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score-records", mixinStandardHelpOptions = true,
    description = {"Score the live events of a date range with the current record model (it does not learn from them).",
        "Prints the records at or above --min-score, highest first; with --json one record per line."})
final class ScoreRecordsCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Option(names = "--from", required = true, paramLabel = "DATE", description = "First UTC event date, yyyy-MM-dd")
  LocalDate from;

  @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last UTC event date, yyyy-MM-dd")
  LocalDate to;

  @Option(names = "--min-score", paramLabel = "S",
      description = "Print records scoring at least this; default the spec's checks.records.threshold")
  Double minScore;

  @Option(names = "--explain", defaultValue = "20", paramLabel = "N",
      description = "Explain the N highest records: the columns that isolated them (default: ${DEFAULT-VALUE})")
  int explain;

  @Override
  public Integer call() {
    var spec = opts.load();
    if (to.isBefore(from)) {
      throw new SluiceException("--to " + to + " is before --from " + from);
    }
    var conf = HadoopConfs.of(spec);
    RecordModel model = new RecordModelStore(spec.checksStateDir(), conf).latest().orElseThrow(() ->
        new SluiceException("pipeline " + spec.name() + " has no record model yet: enable checks.records and run a"
            + " batch, or run `sluice checks retrain`"));
    RecordBatch batch = RecordRange.read(spec, conf, from, to, Integer.MAX_VALUE, 0);
    List<RecordBatch.Scored> scored = batch.scoreThenLearn(model, explain, 0);
    double min = minScore != null ? minScore : spec.checks().records().threshold();
    List<RecordBatch.Scored> shown = scored.stream().filter(s -> s.score() >= min).toList();
    if (opts.json) {
      for (RecordBatch.Scored s : shown) {
        Output.json(System.out, Map.of("key", s.key(), "event_time", Instant.ofEpochMilli(s.eventTime()).toString(),
            "score", s.score(), "why", s.why(), "values", s.values()));
      }
    } else {
      System.out.printf("%s: %d events of %s..%s scored with %s; %d at or above %.2f%n", spec.name(), scored.size(),
          from, to, model, shown.size(), min);
      for (RecordBatch.Scored s : shown.subList(0, Math.min(shown.size(), 50))) {
        System.out.printf(Locale.ROOT, "  %.3f  %-24s %s  %s%n", s.score(), s.key(),
            Instant.ofEpochMilli(s.eventTime()), s.why());
      }
      if (shown.size() > 50) {
        System.out.printf("  ... %d more (use --json for all)%n", shown.size() - 50);
      }
    }
    return 0;
  }
}
