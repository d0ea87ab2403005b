package io.sluice.core.testing;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** A pipeline for tests: its schema and spec written into a directory, loaded, with the landing dir created. */
public final class TestPipeline {
  private TestPipeline() {}

  /**
   * Writes {@code schemaJson} to {@code e.avsc} and {@code specYaml} to {@code <name>.yaml} in {@code dir},
   * loads the spec and creates its local landing directory.
   */
  public static PipelineSpec create(Path dir, String name, String schemaJson, String specYaml) throws IOException {
    Files.writeString(dir.resolve("e.avsc"), schemaJson);
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, specYaml);
    PipelineSpec spec = SpecLoader.load(f);
    Files.createDirectories(landing(spec));
    return spec;
  }

  /** The landing directory of a pipeline on the local filesystem. */
  public static Path landing(PipelineSpec spec) {
    return Path.of(URI.create(spec.source().landingDir()));
  }
}
