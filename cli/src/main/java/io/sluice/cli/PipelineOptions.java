package io.sluice.cli;

import io.sluice.core.PipelineLock;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.util.Durations;
import io.sluice.core.util.HadoopConfs;
import io.sluice.core.spec.SpecLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that works on one pipeline. */
final class PipelineOptions {
  @Option(names = {"-p", "--pipeline"}, required = true, paramLabel = "SPEC",
      description = "Pipeline spec (YAML), e.g. conf/demo.yaml")
  Path pipeline;

  @Option(names = "--set", paramLabel = "PATH=VALUE",
      description = {"Override a spec value before validation, e.g. --set work-dir=hdfs://nn/sluice/clicks,",
          "--set hudi.hoodie.cleaner.commits.retained=20. Repeatable. Oozie actions pass the work dir this way."})
  java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();

  @Option(names = "--json", description = "Print machine-readable JSON instead of text")
  boolean json;

  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "0s",
      description = "Wait this long for another run of the pipeline to finish (default: exit with code 3 at once)")
  String waitFor;

  PipelineSpec load() {
    PipelineSpec spec = SpecLoader.load(pipeline, overrides);
    io.sluice.core.util.KerberosLogin.loginIfConfigured(spec);
    return spec;
  }

  /** Runs {@code work} holding the pipeline's lock, so two processes never work on one pipeline at once. */
  <T> T locked(PipelineSpec spec, java.util.function.Supplier<T> work) {
    var conf = HadoopConfs.of(spec);
    var wait = Durations.parse(waitFor);
    // hudi.hoodie.write.lock.provider set: serialise through Hudi's provider (ZooKeeper, metastore, file system).
    try (io.sluice.core.PipelineLease lock = io.sluice.upserts.HudiPipelineLock.configured(spec)
        ? io.sluice.upserts.HudiPipelineLock.acquire(spec, conf, wait)
        : PipelineLock.acquire(spec.workDir(), spec.name(), conf, wait)) {
      return work.get();
    }
  }
}
