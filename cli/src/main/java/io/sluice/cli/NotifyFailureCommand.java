package io.sluice.cli;

import io.sluice.checks.CheckResult;
import io.sluice.checks.CheckResultsTable;
import io.sluice.checks.Severity;
import io.sluice.checks.alerts.AlertRouter;
import io.sluice.core.util.HadoopConfs;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "notify-failure", mixinStandardHelpOptions = true,
    description = {"Record a failed run in <pipeline>_check_results (check 'pipeline_failure', critical) and send",
        "it to the alert sinks. The error path of the generated Oozie workflows calls it."})
final class NotifyFailureCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Option(names = "--workflow-id", required = true, description = "The failed run, e.g. Oozie's ${wf:id()}")
  String workflowId;

  @Option(names = "--node", defaultValue = "", description = "The stage that failed, e.g. ${wf:lastErrorNode()}")
  String node;

  @Option(names = "--message", defaultValue = "", description = "The error, e.g. ${wf:errorMessage(...)}")
  String message;

  @Override
  public Integer call() {
    var spec = opts.load();
    var conf = HadoopConfs.of(spec);
    Clock clock = Clock.systemUTC();
    String text = "run " + workflowId + " failed" + (node.isBlank() ? "" : " at stage " + node)
        + (message.isBlank() ? "" : ": " + message);
    CheckResult failure = CheckResult.of("pipeline_failure", "operations", spec.table().name())
        .column(node.isBlank() ? null : node)
        .build(workflowId, Severity.CRITICAL, "failed", text, clock.millis());
    // Not under the pipeline lock: the failed run may still hold it, and this must not wait behind it.
    new CheckResultsTable(spec, conf).write(List.of(failure), Map.of());
    Map<String, Integer> sent = new AlertRouter(spec, conf, clock).route(List.of(failure));
    if (opts.json) {
      Output.json(System.out, Map.of("recorded", failure, "alerts_sent", sent));
    } else {
      System.out.println("recorded: " + text + "; alerts sent: " + sent);
    }
    return 0;
  }
}
