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

  /** A builder of a {@link KeyedEvents} pipeline in {@code dir}. */
  public static KeyedEvents keyedEvents(Path dir) {
    return new KeyedEvents(dir);
  }

  /**
   * A pipeline of test events keyed by {@code id}, with a long {@code v}, event time {@code ts}
   * (timestamp-millis) and ordering field {@code seq}, into one table under {@code <dir>/work}; its
   * landing directory is {@code <dir>/work/landing/<name>}.
   */
  public static final class KeyedEvents {
    private final Path dir;
    private String specFile = "p";
    private String name = "t";
    private String type = "cow";
    private final StringBuilder fields = new StringBuilder();
    private final StringBuilder table = new StringBuilder();
    private final StringBuilder hudi = new StringBuilder();

    private KeyedEvents(Path dir) {
      this.dir = dir;
    }

    /** The pipeline's name (default {@code t}). */
    public KeyedEvents name(String pipelineName) {
      this.name = pipelineName;
      return this;
    }

    /** The table type, {@code cow} (default) or {@code mor}. */
    public KeyedEvents type(String tableType) {
      this.type = tableType;
      return this;
    }

    /** The spec file's name without {@code .yaml} (default {@code p}); another name over the same work dir is a second writer. */
    public KeyedEvents specFile(String fileName) {
      this.specFile = fileName;
      return this;
    }

    /** Adds a field to the event schema, as Avro JSON. */
    public KeyedEvents field(String avroJson) {
      fields.append(",\n  ").append(avroJson);
      return this;
    }

    /** Adds YAML lines under {@code table:}, e.g. {@code delete-field: gone}. */
    public KeyedEvents table(String yaml) {
      table.append(yaml.stripTrailing().stripIndent().indent(2));
      return this;
    }

    /** Adds Hudi settings, as YAML lines of {@code key: "value"}. */
    public KeyedEvents hudi(String yaml) {
      hudi.append(yaml.stripTrailing().stripIndent().indent(2));
      return this;
    }

    /** Writes the schema and spec, loads the spec and creates its landing directory. */
    public PipelineSpec create() throws IOException {
      String schema = """
          {"type":"record","name":"E","fields":[
            {"name":"id","type":"string"},
            {"name":"v","type":"long"},
            {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
            {"name":"seq","type":"long"}%s]}""".formatted(fields);
      String spec = """
          name: %s
          work-dir: %s
          source:
            schema: e.avsc
            validation:
              max-future-skew: 3650d
          table:
            type: %s
            record-key: [id]
            ordering-field: seq
            event-time-field: ts
          %s%s""".formatted(name, dir.resolve("work"), type, table,
          hudi.isEmpty() ? "" : "hudi:\n" + hudi);
      return TestPipeline.create(dir, specFile, schema, spec);
    }
  }
}
