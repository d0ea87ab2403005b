package io.sluice.cli;

import io.sluice.core.util.Durations;
import io.sluice.core.util.HadoopConfs;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run mini-batches: ingest, upsert, then (when the spec defines metrics) incremental recompute.",
        "--once runs one batch; --every runs one per interval until stopped (Ctrl-C finishes the current batch)."})
final class RunCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  static final class Mode {
    @Option(names = "--once", description = "Run one batch and exit (default)")
    boolean once;

    @Option(names = "--every", paramLabel = "INTERVAL", description = "Run a batch every INTERVAL, e.g. 5m")
    String every;
  }

  @Option(names = "--drain", description = "With --once: keep running batches until the landing backlog is empty")
  boolean drain;

  @Override
  public Integer call() {
    var spec = opts.load();
    return opts.locked(spec, () -> runBatches(spec));
  }

  private int runBatches(io.sluice.core.spec.PipelineSpec spec) {
    PipelineRun run = new PipelineRun(spec, HadoopConfs.of(spec));
    if (mode.every == null) {
      PipelineRun.Report r;
      do {
        r = run.once();
        print(spec.name(), r);
      } while (drain && r.upsert().backlogFiles() > 0);
      return 0;
    }
    Duration every = Durations.parse(mode.every);
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(main::interrupt));
    while (!Thread.currentThread().isInterrupted()) {
      long start = System.nanoTime();
      print(spec.name(), run.once());
      long sleep = every.toMillis() - (System.nanoTime() - start) / 1_000_000;
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          break;
        }
      }
    }
    return 0;
  }

  private void print(String pipeline, PipelineRun.Report r) {
    if (opts.json) {
      Output.json(System.out, r);
    } else {
      Output.batch(System.out, r.upsert());
      if (r.metrics() != null) {
        Output.recompute(System.out, pipeline, r.metrics());
      }
      if (r.checks() != null) {
        Output.checks(System.out, pipeline, r.checks());
      }
      if (r.sync() != null) {
        Output.sync(System.out, pipeline, r.sync());
      }
    }
  }
}
