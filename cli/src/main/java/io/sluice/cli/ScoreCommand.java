package io.sluice.cli;

import io.sluice.checks.anomaly.DetectorOptions;
import io.sluice.checks.anomaly.SeriesScorer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Score one timestamp,value CSV with the detector the checks use, causally (each point sees only",
        "the past). Writes timestamp,value,anomaly_score,is_anomaly; anomaly_score is in [0,1]."})
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "CSV", description = "timestamp,value CSV with a header")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "CSV", description = "Where to write the scores")
  Path output;

  @Option(names = "--sensitivity", defaultValue = "0.5",
      description = "In (0,1]: higher flags more points (default: ${DEFAULT-VALUE})")
  double sensitivity;

  @Option(names = "--counts", description = "Values are event counts: assume at least Poisson noise")
  boolean counts;

  @Option(names = "--json", description = "Print the summary as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    SeriesScorer.Summary s = new SeriesScorer(DetectorOptions.defaults().withSensitivity(sensitivity)
        .withCounts(counts)).score(input, output);
    if (json) {
      Output.json(System.out, s);
    } else {
      System.out.printf("scored %d points (%d empty) in %.2f s: %d flagged at sensitivity %.2f -> %s%n", s.points(),
          s.skipped(), s.seconds(), s.anomalies(), sensitivity, output);
    }
    return 0;
  }
}
