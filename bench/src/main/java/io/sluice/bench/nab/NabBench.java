package io.sluice.bench.nab;

import io.sluice.bench.ResultsDir;
import io.sluice.checks.anomaly.DetectorOptions;
import io.sluice.checks.anomaly.PointScore;
import io.sluice.checks.anomaly.SeriesDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs Sluice's series detector over a NAB-layout corpus and scores it with NAB's published method. */
@Command(name = "nab", mixinStandardHelpOptions = true,
    description = "Score the anomaly detector on a NAB-layout corpus (default ../shared/data/nab-dev)")
public final class NabBench implements Callable<Integer> {
  @Option(names = "--data", description = "corpus directory with windows.json (default: ${DEFAULT-VALUE})")
  Path data = Path.of("../shared/data/nab-dev");

  @Option(names = "--suppress", description = "suppression window in points, 0 = detector default")
  int suppress = 0;

  @Mixin ResultsDir results = new ResultsDir();

  @Option(names = "--verbose", description = "print each series' best-threshold detections")
  boolean verbose;

  @Option(names = "--dump", description = "also write each series' scores as <dir>/<category>/<name>.csv")
  Path dump;

  @Override
  public Integer call() throws IOException {
    List<NabCorpus.Series> corpus = NabCorpus.load(data);
    long start = System.nanoTime();
    List<NabScorer.Scored> scored = new ArrayList<>();
    long points = 0;
    DetectorOptions options = DetectorOptions.defaults().withSuppress(suppress);
    for (NabCorpus.Series s : corpus) {
      SeriesDetector d = new SeriesDetector(options);
      double[] scores = new double[s.values().length];
      for (int i = 0; i < scores.length; i++) {
        PointScore p = d.update(s.timestamps()[i], s.values()[i]);
        scores[i] = p.score();
      }
      points += scores.length;
      if (dump != null) {
        Path f = dump.resolve(s.name());
        Files.createDirectories(f.getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(f))) {
          w.println("timestamp,value,anomaly_score");
          for (int i = 0; i < scores.length; i++) {
            w.println(s.timestamps()[i] + "," + s.values()[i] + "," + scores[i]);
          }
        }
      }
      scored.add(new NabScorer.Scored(s.name(), s.timestamps(), scores, s.windows(), s.labels()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> lines = new ArrayList<>();
    for (NabScorer.Profile profile : NabScorer.Profile.ALL) {
      NabScorer.Result r = NabScorer.score(scored, profile);
      String line = String.format("%s,%s,%d,%d,%s,%.2f,%.8f,%d,%d,%d,%.8f", Instant.now(), data.getFileName(),
          corpus.size(), points, profile.name(), r.score(), r.threshold(), r.windows(), r.detected(),
          r.falsePositives(), options.alertThreshold());
      lines.add(line);
      System.out.println(line);
    }
    results.appendCsv("nab.csv", "run_at,corpus,series,points,profile,score,threshold,windows,detected,false_positives,"
        + "default_threshold", lines);
    if (verbose) {
      for (NabScorer.Scored s : scored) {
        NabScorer.Result r = NabScorer.score(List.of(s), NabScorer.Profile.STANDARD);
        System.out.printf("%-60s windows=%d detected=%d fp=%d score=%.1f%n", s.name(), r.windows(), r.detected(),
            r.falsePositives(), r.score());
      }
    }
    System.out.printf("scored %d points in %.2f s (%.0f points/s)%n", points, seconds, points / seconds);
    return 0;
  }
}
