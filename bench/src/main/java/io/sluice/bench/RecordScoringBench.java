package io.sluice.bench;

import io.sluice.checks.records.RecordBatch;
import io.sluice.checks.records.RecordFeatures;
import io.sluice.checks.records.RecordModel;
import io.sluice.checks.records.RecordRetrain;
import io.sluice.checks.records.SyntheticEvents;
import io.sluice.core.spec.ChecksSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Option(names = "--results", description = "results directory (default: ${DEFAULT-VALUE})")
  Path results = Path.of("bench/results");

  private final ChecksSpec.Records cfg = new ChecksSpec.Records(true, null, null, "user_id", null, null, null, null,
      null, null, null, null);

  private record Row(String model, String kind, int seed, int injected, double precisionAtK, double recall,
                     double maxCleanScore, boolean critical) {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(results);
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
      b.scoreThenLearn(online, 0, true);
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
      List<RecordBatch.Scored> s = new RecordBatch(test.events(), "user_id").scoreThenLearn(m, 0, false);
      int k = test.injected().size();
      long atK = s.stream().limit(k).filter(r -> test.injected().contains(r.key())).count();
      long found = s.stream().filter(r -> r.score() >= cfg.threshold() && test.injected().contains(r.key())).count();
      double maxClean = s.stream().filter(r -> !test.injected().contains(r.key()))
          .mapToDouble(RecordBatch.Scored::score).max().orElse(0);
      out.add(new Row(m.origin() == RecordModel.Origin.ONLINE ? "online" : "retrained", kind.name().toLowerCase(Locale.ROOT),
          seed, k, k == 0 ? Double.NaN : (double) atK / k, k == 0 ? Double.NaN : (double) found / k, maxClean,
          maxClean >= cfg.critical()));
    }
    return out;
  }

  private void writeQuality(List<Row> rows) throws IOException {
    Path csv = results.resolve("record-scoring-quality.csv");
    boolean header = !Files.exists(csv);
    String at = Instant.now().toString();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
      if (header) {
        out.println("run_at,model,class,seed,injected,precision_at_k,recall_at_threshold,max_clean_score,clean_critical");
      }
      for (Row r : rows) {
        out.printf(Locale.ROOT, "%s,%s,%s,%d,%d,%.3f,%.3f,%.3f,%b%n", at, r.model(), r.kind(), r.seed(), r.injected(),
            r.precisionAtK(), r.recall(), r.maxCleanScore(), r.critical());
      }
    }
    System.out.println("model      class        precision@k  recall  max clean score  clean critical");
    for (String model : List.of("online", "retrained")) {
      for (SyntheticEvents.Outlier kind : SyntheticEvents.Outlier.values()) {
        String k = kind.name().toLowerCase(Locale.ROOT);
        List<Row> rs = rows.stream().filter(r -> r.model().equals(model) && r.kind().equals(k)).toList();
        System.out.printf(Locale.ROOT, "%-10s %-12s %11.3f  %6.3f  %15.3f  %d of %d%n", model, k,
            rs.stream().mapToDouble(Row::precisionAtK).average().orElse(Double.NaN),
            rs.stream().mapToDouble(Row::recall).average().orElse(Double.NaN),
            rs.stream().mapToDouble(Row::maxCleanScore).max().orElse(Double.NaN),
            rs.stream().filter(Row::critical).count(), rs.size());
      }
    }
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
    ChecksSpec.Records rcfDefault = new ChecksSpec.Records(true, null, null, "user_id", null, null, null, null, 256,
        null, null, null);
    // Warm the JIT on a small run of each path first.
    RecordBatch small = new RecordBatch(evs.subList(0, 20_000), "user_id");
    small.vectors(features);
    small.scoreThenLearn(model(features, cfg, warm), cfg.top(), true);
    long tEncode = time(() -> big.vectors(features));
    long tDefault = time(() -> big.scoreThenLearn(model(features, rcfDefault, warm), cfg.top(), true));
    long tSluice = time(() -> big.scoreThenLearn(model(features, cfg, warm), cfg.top(), true));
    double rps = batch / (tSluice / 1e9);
    Path csv = results.resolve("record-scoring-throughput.csv");
    boolean header = !Files.exists(csv);
    String line = String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%.2f,%.0f,%.2f,%.2f,%.2f", Instant.now(), batch,
        10, features.dimensions(), cfg.trees(), cfg.sampleSize(), tSluice / 1e9, rps, tEncode / 1e9, tDefault / 1e9,
        (double) tSluice / tDefault);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
      if (header) {
        out.println("run_at,records,feature_columns,dimensions,trees,sample_size,score_and_update_seconds,records_per_s,"
            + "encode_only_seconds,rcf_default_sample_256_seconds,time_ratio_vs_rcf_default");
      }
      out.println(line);
    }
    System.out.println(line);
    System.out.printf(Locale.ROOT, "Record scoring: %,d records x 10 feature columns (%d dimensions) scored and learnt in"
            + " %.1f s = %,.0f records/s (encoding alone %.1f s; RCF default sample 256: %.1f s)%n", batch,
        features.dimensions(), tSluice / 1e9, rps, tEncode / 1e9, tDefault / 1e9);
  }

  /** A model that has learnt the warm-up batch, so the timed batch is scored by a ready forest. */
  private static RecordModel model(RecordFeatures f, ChecksSpec.Records c, RecordBatch warm) {
    RecordModel m = RecordModel.fresh(f, c, 0, RecordModel.Origin.ONLINE);
    for (double[] x : warm.vectors(f)) {
      m.update(x);
    }
    return m;
  }

  private interface Body {
    void run() throws Exception;
  }

  private static long time(Body b) throws Exception {
    long t = System.nanoTime();
    b.run();
    return System.nanoTime() - t;
  }
}
