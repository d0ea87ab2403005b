package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;

/** A pipeline over a local temp dir: spec YAML and schema written there and loaded with {@link SpecLoader}. */
final class IngestFixture {
  static final String SCHEMA = """
      {"type":"record","name":"Order","namespace":"t","fields":[
        {"name":"id","type":"string"},
        {"name":"qty","type":"int"},
        {"name":"price","type":["null","double"],"default":null},
        {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["buy","sell"]}},
        {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"seq","type":"long","default":0},
        {"name":"tags","type":{"type":"array","items":"string"},"default":[]}]}""";

  /** A time safely before "now", so event times near it are neither too old nor in the future. */
  static final long NOW = System.currentTimeMillis();

  final Path dir;
  final Path landing;
  final PipelineSpec spec;
  final Schema schema;
  final Configuration conf = new Configuration();

  /**
   * @param source extra lines under {@code source:} (e.g. {@code validation:} blocks), or null
   */
  IngestFixture(Path dir, String format, String source) throws IOException {
    this(dir, format, source, null, SCHEMA);
  }

  /**
   * @param table extra lines under {@code table:}, or null
   * @param schemaJson the event schema
   */
  IngestFixture(Path dir, String format, String source, String table, String schemaJson) throws IOException {
    this(dir, "landing-dir: " + dir.resolve("landing"), format, source, table, schemaJson);
    Files.createDirectories(landing);
  }

  /** @param landingLine the {@code landing-dir:} line, e.g. an hdfs:// URI */
  IngestFixture(Path dir, String landingLine, String format, String source, String table, String schemaJson)
      throws IOException {
    this.dir = dir;
    this.landing = dir.resolve("landing");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("event.avsc"), schemaJson);
    String yaml = """
        name: orders
        work-dir: %s
        source:
          %s
          format: %s
          schema: event.avsc
        %s
        table:
          record-key: [id]
          ordering-field: seq
          event-time-field: ts
        %s
        """.formatted(dir.resolve("work"), landingLine, format, indent(source), indent(table));
    Files.writeString(dir.resolve("pipeline.yaml"), yaml);
    this.spec = SpecLoader.load(dir.resolve("pipeline.yaml"));
    this.schema = new Schema.Parser().parse(schemaJson);
  }

  private static String indent(String s) {
    return s == null ? "" : s.indent(2);
  }

  /** Writes a landing file and describes it as the listing would. */
  LandingFile land(String name, byte[] content) throws IOException {
    Path p = landing.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return describe(p);
  }

  LandingFile land(String name, String content) throws IOException {
    return land(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a landing file with a given modification time. */
  LandingFile land(String name, String content, long mtime) throws IOException {
    land(name, content);
    Path p = landing.resolve(name);
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
    return describe(p);
  }

  static LandingFile describe(Path p) throws IOException {
    return new LandingFile(new org.apache.hadoop.fs.Path(p.toUri()).toString(), Files.size(p),
        Files.getLastModifiedTime(p).toMillis());
  }

  EventReader reader() {
    return new EventReader(spec, schema, conf);
  }

  IngestResult read(LandingFile... files) {
    return reader().read(List.of(files));
  }

  /** An order line whose event time is {@code ts}. */
  static String order(String id, int qty, long ts) {
    return "{\"id\":\"" + id + "\",\"qty\":" + qty + ",\"price\":1.5,\"kind\":\"buy\",\"ts\":" + ts + ",\"seq\":1}";
  }

  /** Asserts the counting invariants and the totals; returns {@code r}. */
  static IngestResult balanced(IngestResult r, long in, long good) {
    assertThat(r.recordsIn()).as("records in").isEqualTo(in);
    assertThat(r.records()).as("good records").hasSize((int) good);
    assertThat(r.quarantined()).as("quarantined").hasSize((int) (in - good));
    for (FileReport f : r.files()) {
      assertThat(f.recordsIn()).as("records in of " + f.file()).isEqualTo(f.good() + f.quarantined());
    }
    assertThat(r.files().stream().mapToLong(FileReport::recordsIn).sum()).isEqualTo(in);
    report(r);
    return r;
  }

  /** Appends the case's counts to target/bad-input-corpus.csv: the per-case report the corpus asks for. */
  private static synchronized void report(IngestResult r) {
    String caller = StackWalker.getInstance().walk(s -> s.skip(2).findFirst())
        .map(f -> f.getClassName().replaceAll(".*\\.", "") + "." + f.getMethodName()).orElse("?");
    String reason = r.quarantined().isEmpty() ? "" : r.quarantined().get(0).error().replace('"', '\'');
    String skipped = r.files().stream().map(FileReport::skipped).filter(java.util.Objects::nonNull)
        .findFirst().orElse("").replace('"', '\'');
    java.nio.file.Path out = java.nio.file.Path.of("target", "bad-input-corpus.csv");
    try {
      if (!java.nio.file.Files.exists(out)) {
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, "case,records_in,good,quarantined,first_reason,skip_message\n");
      }
      java.nio.file.Files.writeString(out, String.format("%s,%d,%d,%d,\"%s\",\"%s\"%n", caller, r.recordsIn(),
          r.records().size(), r.quarantined().size(), reason.length() > 120 ? reason.substring(0, 120) + "…" : reason,
          skipped), java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The reasons of the quarantined records, in order. */
  static List<String> reasons(IngestResult r) {
    return r.quarantined().stream().map(QuarantinedRecord::error).toList();
  }
}
