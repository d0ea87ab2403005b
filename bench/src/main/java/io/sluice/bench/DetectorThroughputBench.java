package io.sluice.bench;

import io.sluice.checks.anomaly.DetectorOptions;
import io.sluice.checks.anomaly.SeriesDetector;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scores many synthetic metric series (daily seasonality, noise, level shifts and spikes) with the
 * checks' detector and reports points per second, against a windowed-Gaussian z-score baseline run
 * over the same series in the same process.
 */
@Command(name = "detector", mixinStandardHelpOptions = true,
    description = "Throughput of the series anomaly detector (default: 10,000 series x 2,000 points)")
public final class DetectorThroughputBench implements Callable<Integer> {
  @Option(names = "--series", description = "series (default: ${DEFAULT-VALUE})")
  int series = 10_000;

  @Option(names = "--points", description = "points per series (default: ${DEFAULT-VALUE})")
  int points = 2_000;

  @Option(names = "--threads", description = "worker threads (default: available processors)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Mixin ResultsDir results = new ResultsDir();

  private static double[] series(int id, int n) {
    SplittableRandom rnd = new SplittableRandom(id);
    double level = 50 + rnd.nextDouble() * 500;
    double amp = level * rnd.nextDouble() * 0.4;
    double noise = level * (0.02 + rnd.nextDouble() * 0.1);
    double[] v = new double[n];
    int shift = rnd.nextInt(n);
    for (int i = 0; i < n; i++) {
      v[i] = level + amp * Math.sin(2 * Math.PI * i / 96) + noise * (rnd.nextDouble() - 0.5) * 3.4
          + (i >= shift ? level * 0.3 : 0) + (rnd.nextInt(500) == 0 ? level : 0);
    }
    return v;
  }

  private interface Scorer {
    long score(double[] v);
  }

  private double[][] data;

  private long run(Scorer s, int nThreads, int n) throws Exception {
    AtomicLong flagged = new AtomicLong();
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(nThreads);
    try {
      pool.submit(() -> IntStream.range(0, n).parallel().forEach(id -> flagged.addAndGet(s.score(data[id])))).get();
    } finally {
      pool.shutdown();
    }
    return flagged.get();
  }

  @Override
  public Integer call() throws Exception {
    long step = 15 * 60_000L;
    Scorer sluice = v -> {
      SeriesDetector d = new SeriesDetector(DetectorOptions.defaults().withStepMillis(step));
      long f = 0;
      for (int i = 0; i < v.length; i++) {
        f += d.update(i * step, v[i]).anomaly() ? 1 : 0;
      }
      return f;
    };
    Scorer gaussian = v -> {
      // Windowed Gaussian: z-score against the mean and deviation of the last 96 points.
      long f = 0;
      double[] w = new double[96];
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < v.length; i++) {
        if (i >= w.length) {
          double m = sum / w.length;
          double sd = Math.sqrt(Math.max(sq / w.length - m * m, 1e-12));
          f += Math.abs(v[i] - m) / sd > 4 ? 1 : 0;
          double old = w[i % w.length];
          sum -= old;
          sq -= old * old;
        }
        w[i % w.length] = v[i];
        sum += v[i];
        sq += v[i] * v[i];
      }
      return f;
    };
    // Series are generated up front so only scoring is timed; both scorers are warmed up first.
    data = new double[series][];
    IntStream.range(0, series).parallel().forEach(id -> data[id] = series(id, points));
    run(sluice, threads, Math.min(200, series));
    run(gaussian, threads, Math.min(200, series));
    long[] f = new long[2];
    long tBase = Timing.nanos(() -> f[0] = run(gaussian, threads, series));
    long tSluice = Timing.nanos(() -> f[1] = run(sluice, threads, series));
    long total = (long) series * points;
    double sluicePps = total / (tSluice / 1e9);
    double basePps = total / (tBase / 1e9);
    String line = String.format("%s,%d,%d,%d,%.2f,%.0f,%.2f,%.0f,%.2f,%d,%d", Instant.now(), series, points, threads,
        tSluice / 1e9, sluicePps, tBase / 1e9, basePps,
        (double) tSluice / tBase, f[1], f[0]);
    results.appendCsv("detector-throughput.csv", "run_at,series,points,threads,sluice_seconds,sluice_points_per_s,"
        + "baseline_seconds,baseline_points_per_s,time_ratio_vs_baseline,sluice_flagged,baseline_flagged", List.of(line));
    System.out.println(line);
    System.out.printf("Sluice detector: %,d series x %,d points in %.1f s on %d threads = %,.0f points/s (%,.0f series/s);"
        + " windowed-Gaussian baseline %,.0f points/s%n", series, points, tSluice / 1e9, threads, sluicePps,
        sluicePps / points, basePps);
    return 0;
  }
}
