package io.sluice.bench.nab;

import io.sluice.bench.ResultsDir;
import io.sluice.checks.anomaly.DetectorOptions;
import io.sluice.checks.anomaly.PointScore;
import io.sluice.checks.anomaly.SeriesDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
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

  @Option(names = "--scores", description = "score another detector's published NAB results instead of Sluice's, "
      + "e.g. <NAB checkout>/results/numenta (files <category>/<detector>_<name>.csv with an anomaly_score column)")
  Path scores;

  @Option(names = "--threshold", description = "also print each series' unnormalised standard-profile score at this "
      + "fixed threshold, comparable with NAB's <detector>_standard_scores.csv")
  Double threshold;

  @Override
  public Integer call() throws IOException {
    List<NabCorpus.Series> corpus = NabCorpus.load(data);
    long start = System.nanoTime();
    List<NabScorer.Scored> scored = new ArrayList<>();
    long points = 0;
    DetectorOptions options = DetectorOptions.defaults().withSuppress(suppress);
    for (NabCorpus.Series s : corpus) {
      double[] scores = this.scores == null ? detect(s, options) : published(s);
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
      lines.add(this.scores == null ? line : line + "," + this.scores.getFileName());
      System.out.println(line);
    }
    if (this.scores == null) {
      results.appendCsv("nab.csv", "run_at,corpus,series,points,profile,score,threshold,windows,detected,"
          + "false_positives,default_threshold", lines);
    } else {
      results.appendCsv("nab-published.csv", "run_at,corpus,series,points,profile,score,threshold,windows,detected,"
          + "false_positives,default_threshold,detector", lines);
    }
    if (threshold != null) {
      for (NabScorer.Scored s : scored) {
        System.out.printf("%s,%.6f%n", s.name(), NabScorer.rawScore(s, NabScorer.Profile.STANDARD, threshold));
      }
    }
    if (verbose) {
      for (NabScorer.Scored s : scored) {
        NabScorer.Result r = NabScorer.score(List.of(s), NabScorer.Profile.STANDARD);
        System.out.printf("%-60s windows=%d detected=%d fp=%d score=%.1f%n", s.name(), r.windows(), r.detected(),
            r.falsePositives(), r.score());
      }
    }
    System.out.printf("%s %d points in %.2f s (%.0f points/s)%n", this.scores == null ? "scored" : "read", points,
        seconds, points / seconds);
    return 0;
  }

  private static double[] detect(NabCorpus.Series s, DetectorOptions options) {
    SeriesDetector d = new SeriesDetector(options);
    double[] out = new double[s.values().length];
    for (int i = 0; i < out.length; i++) {
      PointScore p = d.update(s.timestamps()[i], s.values()[i]);
      out[i] = p.score();
    }
    return out;
  }

  /** Another detector's scores from NAB's results layout, checked row by row against the series. */
  private double[] published(NabCorpus.Series s) throws IOException {
    Path name = Path.of(s.name());
    String detector = scores.getFileName().toString();
    Path file = scores.resolve(name.getParent().toString()).resolve(detector + "_" + name.getFileName());
    double[] out = new double[s.values().length];
    int row = 0;
    try (Reader r = Files.newBufferedReader(file)) {
      for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
        if (row >= out.length || NabCorpus.millis(rec.get("timestamp")) != s.timestamps()[row]) {
          throw new IOException(file + " line " + (row + 2) + ": timestamp " + rec.get("timestamp")
              + " does not match " + s.name());
        }
        out[row++] = Double.parseDouble(rec.get("anomaly_score"));
      }
    }
    if (row != out.length) {
      throw new IOException(file + " has " + row + " rows, " + s.name() + " has " + out.length);
    }
    return out;
  }
}
