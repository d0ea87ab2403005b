package io.sluice.cli;

import io.sluice.checks.CheckResult;
import io.sluice.checks.ChecksReport;
import io.sluice.checks.ChecksStage;
import io.sluice.checks.Severity;
import io.sluice.core.util.HadoopConfs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "checks", mixinStandardHelpOptions = true,
    description = {"Run the completeness, quality and anomaly checks on what changed since the last checks run,",
        "write the findings to <pipeline>_check_results and send alerts. With --json, prints one finding per line.",
        "Exit code 0 when nothing failed at --fail-on or above, 4 otherwise."})
final class ChecksCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Option(names = "--fail-on", defaultValue = "critical",
      description = "Exit with 4 when a finding is at least this severe: warn, critical or never (default: ${DEFAULT-VALUE})")
  String failOn;

  @Override
  public Integer call() {
    var spec = opts.load();
    ChecksReport r = opts.locked(spec, () -> new ChecksStage(spec, HadoopConfs.of(spec)).run());
    if (opts.json) {
      for (CheckResult f : r.results()) {
        Output.json(System.out, f);
      }
    } else {
      Output.checks(System.out, spec.name(), r);
    }
    if (failOn.equals("never")) {
      return 0;
    }
    return r.failures().stream().anyMatch(f -> f.level().atLeast(Severity.of(failOn))) ? 4 : 0;
  }
}
