package io.sluice.cli;

import io.sluice.checks.report.HtmlReport;
import io.sluice.core.util.HadoopConfs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write a self-contained HTML report of the checks: flagged series with their expected band and",
        "anomalous windows marked, and a table of findings with the SQL that pulls their rows."})
final class ReportCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Option(names = "--out", defaultValue = "sluice-report.html", description = "Output file (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--days", defaultValue = "7", description = "Days of windows to cover (default: ${DEFAULT-VALUE})")
  int days;

  @Override
  public Integer call() throws Exception {
    var spec = opts.load();
    HtmlReport.Summary s = new HtmlReport(spec, HadoopConfs.of(spec)).write(out, days, Clock.systemUTC());
    if (opts.json) {
      Output.json(System.out, s);
    } else {
      System.out.printf("%s: report with %d findings (%d critical, %d warn) and %d charts -> %s%n", spec.name(),
          s.findings(), s.critical(), s.warn(), s.charts(), s.file().toAbsolutePath());
    }
    return 0;
  }
}
