package io.sluice.ingest;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;

/** A pipeline over a local temp dir with a small schema, for ingest tests. */
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

  final Path dir;
  final Path landing;
  final PipelineSpec spec;
  final Schema schema;
  final Configuration conf = new Configuration();

  IngestFixture(Path dir, String format, String extra) throws IOException {
    this.dir = dir;
    this.landing = dir.resolve("landing");
    Files.createDirectories(landing);
    Files.writeString(dir.resolve("o.avsc"), SCHEMA);
    String yaml = """
        name: orders
        work-dir: %s
        source:
          landing-dir: %s
          format: %s
          schema: o.avsc
        %s
        table:
          record-key: [id]
          ordering-field: seq
          event-time-field: ts
        """.formatted(dir.resolve("work"), landing, format, extra == null ? "" : extra.indent(2));
    Files.writeString(dir.resolve("p.yaml"), yaml);
    this.spec = SpecLoader.load(dir.resolve("p.yaml"));
    this.schema = new Schema.Parser().parse(SCHEMA);
  }

  LandingFile land(String name, byte[] content) throws IOException {
    Path p = landing.resolve(name);
    Files.write(p, content);
    return new LandingFile(p.toUri().toString(), content.length, Files.getLastModifiedTime(p).toMillis());
  }

  LandingFile land(String name, String content) throws IOException {
    return land(name, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  IngestResult read(LandingFile... files) {
    return new EventReader(spec, schema, conf).read(List.of(files));
  }

  static String order(String id, int qty, long ts) {
    return "{\"id\":\"" + id + "\",\"qty\":" + qty + ",\"price\":1.5,\"kind\":\"buy\",\"ts\":" + ts + ",\"seq\":1}";
  }
}
