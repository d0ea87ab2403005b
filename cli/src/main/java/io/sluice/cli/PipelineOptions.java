package io.sluice.cli;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that works on one pipeline. */
final class PipelineOptions {
  @Option(names = {"-p", "--pipeline"}, required = true, paramLabel = "SPEC",
      description = "Pipeline spec (YAML), e.g. conf/demo.yaml")
  Path pipeline;

  @Option(names = "--json", description = "Print machine-readable JSON instead of text")
  boolean json;

  PipelineSpec load() {
    return SpecLoader.load(pipeline);
  }
}
