package io.sluice.bench;

import io.sluice.checks.records.RecordBatch;
import io.sluice.checks.records.RecordFeatures;
import io.sluice.checks.records.RecordModel;
import io.sluice.checks.records.RecordRetrain;
import io.sluice.checks.records.SyntheticEvents;
import io.sluice.core.spec.ChecksSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Record-level outlier scoring: quality of the online model and of a daily-retrained one on synthetic
 * events with injected outliers (precision at k, recall at the threshold, the clean control), and
 * throughput of scoring plus updating a 200K-record batch with ten feature columns, against the
 * feature encoding alone and against RCF's default sample size, in the same process.
 */
@Command(name = "records", mixinStandardHelpOptions = true,
    description = "Record outlier scoring: quality per injected class (online vs retrained) and throughput")
public final class RecordScoringBench implements Callable<Integer> {
  private static final long DAY0 = 1_790_000_000_000L / 86_400_000L * 86_400_000L;

  @Option(names = "--per-hour", description = "clean events per hourly batch (default: ${DEFAULT-VALUE})")
  int perHour = 5_000;

  @Option(names = "--hours", description = "clean warm-up hours (default: ${DEFAULT-VALUE})")
  int hours = 24;

  @Option(names = "--batch", description = "records in the throughput batch (default: ${DEFAULT-VALUE})")
  int batch = 200_000;

  @Option(names = "--seeds", description = "repetitions with different seeds (default: ${DEFAULT-VALUE})")
  int seeds = 3;

  @Mixin ResultsDir results = new ResultsDir();

  private final ChecksSpec.Records cfg = new ChecksSpec.Records(true, null, null, "user_id", null, null, null, null,
      null, null, null, null, null);

  private record Row(String model, String kind, int seed, int injected, double precisionAtK, double recall,
                     double precisionAtThreshold, double maxCleanScore, boolean critical) {}

  @Override
  public Integer call() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int seed = 1; seed <= seeds; seed++) {
      for (SyntheticEvents.Outlier kind : SyntheticEvents.Outlier.values()) {
        rows.addAll(quality(seed, kind));
      }
    }
    writeQuality(rows);
    throughput();
    return 0;
  }

  /** One seed and class: warm both models on the same clean history, then score one injected hour. */
  private List<Row> quality(int seed, SyntheticEvents.Outlier kind) {
    SyntheticEvents gen = new SyntheticEvents(seed * 1_000L + kind.ordinal());
    RecordFeatures.Columns cols = SyntheticEvents.columns();
    List<RecordBatch.Event> history = new ArrayList<>();
    RecordModel online = null;
    for (int h = 0; h < hours; h++) {
      RecordBatch b = new RecordBatch(gen.batch(DAY0 + h * 3_600_000L, perHour, SyntheticEvents.Outlier.NONE, 0)
          .events(), "user_id");
      if (online == null) {
        online = RecordModel.fresh(b.fit(cols), cfg, 0, RecordModel.Origin.ONLINE);
      }
      b.scoreThenLearn(online, 0, cfg.updateSample());
      history.addAll(b.events());
    }
    // The retrain samples the same history, with entity counts over all of it.
    Map<String, Long> counts = RecordBatch.countEntityHours(history, "user_id");
    SplittableRandom rnd = new SplittableRandom(seed);
    List<RecordBatch.Event> sample = new ArrayList<>(history);
    for (int i = sample.size() - 1; i > 0; i--) {
      java.util.Collections.swap(sample, i, rnd.nextInt(i + 1));
    }
    RecordModel retrained = RecordRetrain.train(sample.subList(0, Math.min(cfg.retrainSample(), sample.size())),
        counts, cols, cfg);
    int count = kind == SyntheticEvents.Outlier.BURST ? 300 : kind == SyntheticEvents.Outlier.NONE ? 0 : 50;
    SyntheticEvents.Batch test = gen.batch(DAY0 + hours * 3_600_000L, perHour, kind, count);
    List<Row> out = new ArrayList<>();
    for (RecordModel m : List.of(online, retrained)) {
      List<RecordBatch.Scored> s = new RecordBatch(test.events(), "user_id").scoreThenLearn(m, 0, 0);
      int k = test.injected().size();
      long atK = s.stream().limit(k).filter(r -> test.injected().contains(r.key())).count();
      long found = s.stream().filter(r -> r.score() >= cfg.threshold() && test.injected().contains(r.key())).count();
      double maxClean = s.stream().filter(r -> !test.injected().contains(r.key()))
          .mapToDouble(RecordBatch.Scored::score).max().orElse(0);
      long flagged = s.stream().filter(r -> r.score() >= cfg.threshold()).count();
      out.add(new Row(m.origin() == RecordModel.Origin.ONLINE ? "online" : "retrained", kind.name().toLowerCase(Locale.ROOT),
          seed, k, k == 0 ? Double.NaN : (double) atK / k, k == 0 ? Double.NaN : (double) found / k,
          k == 0 ? Double.NaN : flagged == 0 ? 0 : (double) found / flagged, maxClean, maxClean >= cfg.critical()));
    }
    return out;
  }

  private void writeQuality(List<Row> rows) throws IOException {
    String at = Instant.now().toString();
    results.appendCsv("record-scoring-quality.csv", "run_at,model,class,seed,injected,precision_at_k,recall_at_threshold,"
        + "precision_at_threshold,max_clean_score,clean_critical", rows.stream().map(r -> String.format(Locale.ROOT,
            "%s,%s,%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%b", at, r.model(), r.kind(), r.seed(), r.injected(), r.precisionAtK(),
            r.recall(), r.precisionAtThreshold(), r.maxCleanScore(), r.critical())).toList());
    StringBuilder md = new StringBuilder("# Record outlier scoring\n\nCommand: `bench/run records --per-hour " + perHour
        + " --hours " + hours + " --seeds " + seeds + "`\n\nEach class: " + hours + " clean hourly batches of " + perHour
        + " events, then one hour with injected outliers (50 single-field extremes, 50 impossible combinations, or a"
        + " 300-event burst from one user; none for the clean control). Means over " + seeds + " seeds; threshold "
        + cfg.threshold() + ", critical " + cfg.critical() + ".\n\n| model | class | precision@k | recall at threshold |"
        + " precision at threshold | max clean score | clean control critical |\n|---|---|---|---|---|---|---|\n");
    System.out.println("model      class        precision@k  recall  precision@thr  max clean score  clean critical");
    for (String model : List.of("online", "retrained")) {
      for (SyntheticEvents.Outlier kind : SyntheticEvents.Outlier.values()) {
        String k = kind.name().toLowerCase(Locale.ROOT);
        List<Row> rs = rows.stream().filter(r -> r.model().equals(model) && r.kind().equals(k)).toList();
        double pk = rs.stream().mapToDouble(Row::precisionAtK).average().orElse(Double.NaN);
        double rc = rs.stream().mapToDouble(Row::recall).average().orElse(Double.NaN);
        double pt = rs.stream().mapToDouble(Row::precisionAtThreshold).average().orElse(Double.NaN);
        double mc = rs.stream().mapToDouble(Row::maxCleanScore).max().orElse(Double.NaN);
        long crit = rs.stream().filter(Row::critical).count();
        System.out.printf(Locale.ROOT, "%-10s %-12s %11.3f  %6.3f  %13.3f  %15.3f  %d of %d%n", model, k, pk, rc, pt, mc,
            crit, rs.size());
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | %d of %d |%n", model, k, f3(pk), f3(rc),
            f3(pt), mc, crit, rs.size()));
      }
    }
    results.writeMarkdown("record-scoring.md", md.toString(), false);
  }

  private static String f3(double d) {
    return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.3f", d);
  }

  private void throughput() throws Exception {
    SyntheticEvents gen = new SyntheticEvents(99);
    RecordFeatures.Columns cols = SyntheticEvents.tenColumns();
    RecordBatch warm = new RecordBatch(gen.batch(DAY0, 20_000, SyntheticEvents.Outlier.NONE, 0).events(), "user_id");
    RecordFeatures features = warm.fit(cols);
    List<RecordBatch.Event> evs = new ArrayList<>(batch);
    for (int h = 1; evs.size() < batch; h++) {
      evs.addAll(gen.batch(DAY0 + h * 3_600_000L, Math.min(50_000, batch - evs.size()), SyntheticEvents.Outlier.NONE, 0)
          .events());
    }
    RecordBatch big = new RecordBatch(evs, "user_id");
    // Baseline in the same process: the plain library loop, score then update every record, RCF defaults.
    ChecksSpec.Records rcfDefault = new ChecksSpec.Records(true, null, null, "user_id", null, null, null, 50, 256,
        null, null, null, null);
    RecordBatch small = new RecordBatch(evs.subList(0, 20_000), "user_id");
    small.vectors(features);
    small.scoreThenLearn(model(features, cfg, warm), cfg.top(), cfg.updateSample());
    long tEncode = Timing.nanos(() -> big.vectors(features));
    long tPlain = Timing.nanos(() -> {
      RecordModel m = model(features, rcfDefault, warm);
      for (double[] x : big.vectors(features)) {
        m.score(x);
        m.update(x);
      }
    });
    long tSluice = Timing.nanos(() -> big.scoreThenLearn(model(features, cfg, warm), cfg.top(), cfg.updateSample()));
    double rps = batch / (tSluice / 1e9);
    String line = String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%d,%d,%.2f,%.0f,%.2f,%.2f,%.2f", Instant.now(), batch,
        10, features.dimensions(), cfg.trees(), cfg.sampleSize(), cfg.updateSample(),
        Runtime.getRuntime().availableProcessors(), tSluice / 1e9, rps, tEncode / 1e9, tPlain / 1e9,
        (double) tPlain / tSluice);
    results.appendCsv("record-scoring-throughput.csv", "run_at,records,feature_columns,dimensions,trees,sample_size,"
        + "update_sample,cores,score_and_update_seconds,records_per_s,encode_only_seconds,plain_rcf_loop_seconds,"
        + "speedup_vs_plain_loop", List.of(line));
    System.out.println(line);
    String summary = String.format(Locale.ROOT, "Throughput: %,d records x 10 feature columns (%d dimensions), %d trees x"
            + " %d points: scored and learnt in %.1f s = **%,.0f records/s** on %d cores (encoding alone %.1f s; the plain"
            + " library loop, score then update every record with RCF defaults, %.1f s = %,.0f records/s, %.1fx slower)%n",
        batch, features.dimensions(), cfg.trees(), cfg.sampleSize(), tSluice / 1e9, rps,
        Runtime.getRuntime().availableProcessors(), tEncode / 1e9, tPlain / 1e9, batch / (tPlain / 1e9),
        (double) tPlain / tSluice);
    System.out.print(summary);
    results.writeMarkdown("record-scoring.md", "\n" + summary, true);
  }

  /** A model that has learnt the warm-up batch, so the timed batch is scored by a ready forest. */
  private static RecordModel model(RecordFeatures f, ChecksSpec.Records c, RecordBatch warm) {
    RecordModel m = RecordModel.fresh(f, c, 0, RecordModel.Origin.ONLINE);
    for (double[] x : warm.vectors(f)) {
      m.update(x);
    }
    return m;
  }
}
