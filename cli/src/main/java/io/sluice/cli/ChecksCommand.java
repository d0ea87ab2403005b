package io.sluice.cli;

import io.sluice.checks.CheckResult;
import io.sluice.checks.ChecksReport;
import io.sluice.checks.ChecksStage;
import io.sluice.checks.Severity;
import io.sluice.checks.records.RecordRetrain;
import io.sluice.core.util.HadoopConfs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "checks", mixinStandardHelpOptions = true,
    description = {"Run the completeness, quality and anomaly checks on what changed since the last checks run,",
        "write the findings to <pipeline>_check_results and send alerts. With --json, prints one finding per line.",
        "Exit code 0 when nothing failed at --fail-on or above, 4 otherwise.",
        "`sluice checks retrain -p SPEC` is the daily record-model retrain instead: a fresh forest learns a sample of",
        "the last checks.records.retrain-days days and replaces the online model only if it is at least as good on a",
        "held-out slice; both models' figures are printed (and logged)."})
final class ChecksCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION",
      description = "retrain: the daily record-model retrain; default: run the checks")
  String action;

  @Option(names = "--fail-on", defaultValue = "critical",
      description = "Exit with 4 when a finding is at least this severe: warn, critical or never (default: ${DEFAULT-VALUE})")
  String failOn;

  @Override
  public Integer call() {
    if (action != null && !action.equals("retrain")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "unknown action '" + action + "': the only one is retrain");
    }
    var spec = opts.load();
    if ("retrain".equals(action)) {
      return retrain(spec);
    }
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

  private int retrain(io.sluice.core.spec.PipelineSpec spec) {
    RecordRetrain.Outcome o = opts.locked(spec,
        () -> new RecordRetrain(spec, HadoopConfs.of(spec), java.time.Clock.systemUTC()).run());
    if (opts.json) {
      Output.json(System.out, o);
    } else {
      System.out.printf(java.util.Locale.ROOT, "%s: record model retrain on %d sampled events (%d held out):"
              + " online AUC %.4f, retrained AUC %.4f -> %s (fingerprint %s)%n", spec.name(), o.sampled(), o.heldOut(),
          o.onlineAuc(), o.retrainedAuc(), o.replaced() ? "retrained model in force" : "online model kept",
          o.fingerprint().substring(0, 12));
    }
    return 0;
  }
}
