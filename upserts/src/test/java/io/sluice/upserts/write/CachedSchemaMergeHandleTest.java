package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.testing.TestPipeline;
import io.sluice.upserts.MiniBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A COW upsert copies the records it does not change into the new base file with their data and
 * commit metadata intact and their file name pointing at the new file, whether the base file's schema
 * is the write schema or an older one the write schema evolved from.
 */
class CachedSchemaMergeHandleTest {
  private static final long T0 = 1_715_000_000_000L;

  @TempDir Path dir;

  private MiniBatch pipeline(String... extraFields) throws IOException {
    TestPipeline.KeyedEvents events = TestPipeline.keyedEvents(dir).name("cs");
    for (String f : extraFields) {
      events.field(f);
    }
    return new MiniBatch(events.create(), new Configuration());
  }

  private void land(String name, int from, int to, int step, long seq) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int k = from; k < to; k += step) {
      b.append(String.format("{\"id\":\"k%d\",\"v\":%d,\"ts\":%d,\"seq\":%d}%n", k, seq * 1000 + k, T0 + k, seq));
    }
    Files.writeString(dir.resolve("work/landing/cs").resolve(name), b);
  }

  /** Every row of the newest base files, by key; asserts each names the file it is stored in. */
  private Map<String, GenericRecord> latestRows() throws IOException {
    Map<String, Path> newest = new HashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir.resolve("work"))) {
      files = s.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains(".hoodie")).toList();
    }
    for (Path f : files) {
      String fileId = f.getFileName().toString().split("_")[0];
      newest.merge(fileId, f, (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()) > 0 ? a : b);
    }
    Map<String, GenericRecord> rows = new HashMap<>();
    for (Path f : newest.values()) {
      try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), new Configuration())).build()) {
        for (GenericRecord g; (g = r.read()) != null; ) {
          assertThat(g.get(HoodieRecord.FILENAME_METADATA_FIELD).toString()).isEqualTo(f.getFileName().toString());
          rows.put(g.get("id").toString(), g);
        }
      }
    }
    return rows;
  }

  @Test
  void copiedRecordsKeepTheirDataAndCommitAndNameTheNewFile() throws Exception {
    MiniBatch mb = pipeline();
    land("1.jsonl", 0, 400, 1, 1);
    mb.runOnce();
    Map<String, GenericRecord> before = latestRows();
    land("2.jsonl", 0, 400, 10, 2);
    mb.runOnce();
    Map<String, GenericRecord> after = latestRows();

    assertThat(after).hasSize(400);
    List<String> copied = new ArrayList<>();
    for (var e : after.entrySet()) {
      GenericRecord was = before.get(e.getKey());
      GenericRecord now = e.getValue();
      int k = Integer.parseInt(e.getKey().substring(1));
      if (k % 10 == 0) {
        assertThat(now.get("v")).isEqualTo(2000L + k);
        assertThat(now.get(HoodieRecord.COMMIT_TIME_METADATA_FIELD))
            .isNotEqualTo(was.get(HoodieRecord.COMMIT_TIME_METADATA_FIELD));
      } else {
        copied.add(e.getKey());
        for (String f : List.of("v", "ts", "seq", HoodieRecord.COMMIT_TIME_METADATA_FIELD,
            HoodieRecord.COMMIT_SEQNO_METADATA_FIELD, HoodieRecord.RECORD_KEY_METADATA_FIELD,
            HoodieRecord.PARTITION_PATH_METADATA_FIELD)) {
          assertThat(String.valueOf(now.get(f))).as("%s of %s", f, e.getKey()).isEqualTo(String.valueOf(was.get(f)));
        }
        assertThat(now.get(HoodieRecord.FILENAME_METADATA_FIELD).toString())
            .isNotEqualTo(was.get(HoodieRecord.FILENAME_METADATA_FIELD).toString());
      }
    }
    assertThat(copied).hasSize(360);
  }

  /** Parquet keeps an enum as a string; the merge reads the file in the write schema (FooterSchemaMerge). */
  @Test
  void copiedRecordsKeepAnEnumFieldAndItsSymbols() throws Exception {
    MiniBatch mb = pipeline("{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"Kind\",\"symbols\":[\"a\",\"b\",\"c\"]}}");
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < 300; k++) {
      b.append(String.format("{\"id\":\"k%d\",\"v\":%d,\"ts\":%d,\"seq\":1,\"kind\":\"%s\"}%n", k, k, T0 + k,
          "abc".charAt(k % 3)));
    }
    Files.writeString(dir.resolve("work/landing/cs/1.jsonl"), b);
    mb.runOnce();
    b.setLength(0);
    for (int k = 0; k < 300; k += 10) {
      b.append(String.format("{\"id\":\"k%d\",\"v\":%d,\"ts\":%d,\"seq\":2,\"kind\":\"c\"}%n", k, 2000 + k, T0 + k));
    }
    Files.writeString(dir.resolve("work/landing/cs/2.jsonl"), b);
    mb.runOnce();

    Map<String, GenericRecord> rows = latestRows();
    assertThat(rows).hasSize(300);
    for (var e : rows.entrySet()) {
      int k = Integer.parseInt(e.getKey().substring(1));
      String kind = k % 10 == 0 ? "c" : String.valueOf("abc".charAt(k % 3));
      assertThat(e.getValue().get("kind")).as(e.getKey()).hasToString(kind);
      assertThat(e.getValue().get("v")).as(e.getKey()).isEqualTo(k % 10 == 0 ? 2000L + k : (long) k);
    }
    assertThat(rows.get("k1").getSchema().getField("kind").schema().getType()).isEqualTo(Schema.Type.ENUM);
  }

  @Test
  void recordsOfAnOlderSchemaAreRewrittenIntoTheEvolvedOne() throws Exception {
    MiniBatch mb = pipeline();
    land("1.jsonl", 0, 200, 1, 1);
    mb.runOnce();
    MiniBatch evolved = pipeline("{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}");
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < 200; k += 20) {
      b.append(String.format("{\"id\":\"k%d\",\"v\":%d,\"ts\":%d,\"seq\":2,\"note\":\"n%d\"}%n", k, 2000 + k, T0 + k, k));
    }
    Files.writeString(dir.resolve("work/landing/cs/2.jsonl"), b);
    evolved.runOnce();

    Map<String, GenericRecord> rows = latestRows();
    assertThat(rows).hasSize(200);
    assertThat(rows.get("k20").get("note")).hasToString("n20");
    assertThat(rows.get("k21").getSchema().getField("note")).isNotNull();
    assertThat(rows.get("k21").get("note")).isNull();
    assertThat(rows.get("k21").get("v")).isEqualTo(1021L);
  }
}
