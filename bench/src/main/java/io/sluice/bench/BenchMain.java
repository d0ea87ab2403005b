package io.sluice.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Sluice benchmarks. Each compares against a baseline measured in the same process and reports ratios. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {IncrementalVsFullBench.class, LateDataBench.class, io.sluice.bench.nab.NabBench.class, DetectorThroughputBench.class, RecordScoringBench.class, UpsertThroughputBench.class, EndToEndBench.class, BloomLookupBench.class},
    description = "Sluice benchmarks; results are appended to bench/results/*.csv and summarised in *.md")
public final class BenchMain implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    io.sluice.core.fs.LocalFileSystems.register();
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }
}
