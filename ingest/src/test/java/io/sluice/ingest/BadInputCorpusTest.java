package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.NOW;
import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.order;
import static io.sluice.ingest.IngestFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One case per kind of bad input: the exact quarantine reason, and records in = good + quarantined. */
class BadInputCorpusTest {
  @TempDir Path dir;
  IngestFixture jsonl;

  @BeforeEach
  void setUp() throws Exception {
    jsonl = new IngestFixture(dir.resolve("jsonl"), "jsonl", null);
  }

  @Test
  void truncatedJsonLine() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("t.jsonl", order("a", 1, NOW) + "\n{\"id\":\"b\",\"qty\":")), 2, 1);
    QuarantinedRecord q = r.quarantined().get(0);
    assertThat(q.error()).isEqualTo("malformed JSON: Unexpected end-of-input within/between Object entries");
    assertThat(q.line()).isEqualTo(2);
    assertThat(q.raw()).isEqualTo("{\"id\":\"b\",\"qty\":");
  }

  @Test
  void emptyFilesOfEveryFormatHaveNoRecordsAndAReport() throws Exception {
    for (String format : List.of("jsonl", "csv", "avro")) {
      IngestFixture f = new IngestFixture(dir.resolve("empty-" + format), format, null);
      IngestResult r = balanced(f.read(f.land("empty." + format, "")), 0, 0);
      assertThat(r.files()).singleElement().satisfies(rep -> {
        assertThat(rep.skipped()).isNull();
        assertThat(rep.recordsIn()).isZero();
      });
    }
  }

  @Test
  void binaryGarbageWithoutNewlinesIsOneBoundedRecord() throws Exception {
    byte[] junk = new byte[3 << 20];
    new Random(1).nextBytes(junk);
    for (int i = 0; i < junk.length; i++) {
      if (junk[i] == '\n') junk[i] = 0;
    }
    IngestResult r = balanced(jsonl.read(jsonl.land("junk.bin", junk)), 1, 0);
    QuarantinedRecord q = r.quarantined().get(0);
    assertThat(q.error()).isEqualTo("record of 3145728 bytes exceeds max-record-bytes 1m");
    assertThat(q.raw()).endsWith("…[truncated " + ((3 << 20) - Raw.LIMIT) + " bytes]");
    assertThat(q.raw().getBytes(StandardCharsets.UTF_8).length).isLessThan(Raw.LIMIT * 3 + 100);
  }

  @Test
  void binaryGarbageWithNewlinesIsQuarantinedLineByLine() throws Exception {
    byte[] junk = new byte[200_000];
    new Random(2).nextBytes(junk);
    // Expected: every physical line that is not blank text is one quarantined record.
    long expected = 0;
    int from = 0;
    for (int i = 0; i <= junk.length; i++) {
      if (i == junk.length || junk[i] == '\n') {
        int to = i > from && junk[i - 1] == '\r' ? i - 1 : i;
        if (i < junk.length || to > from) {
          expected += blankUtf8(Arrays.copyOfRange(junk, from, to)) ? 0 : 1;
        }
        from = i + 1;
      }
    }
    IngestResult r = balanced(jsonl.read(jsonl.land("junk.jsonl", junk)), expected, 0);
    assertThat(expected).isGreaterThan(500);
    assertThat(reasons(r)).allMatch(e -> e.startsWith("invalid UTF-8 at byte ") || e.startsWith("malformed JSON: "));
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).doesNotHaveDuplicates();
  }

  private static boolean blankUtf8(byte[] b) {
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString().isBlank();
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void invalidUtf8() throws Exception {
    byte[] bad = ("{\"id\":\"caf\u00e9\",\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}").getBytes(StandardCharsets.ISO_8859_1);
    IngestResult r = balanced(jsonl.read(jsonl.land("u.jsonl", bad)), 1, 0);
    assertThat(reasons(r)).containsExactly("invalid UTF-8 at byte 10");
    assertThat(r.quarantined().get(0).raw()).startsWith("{\"id\":\"caf\uFFFD\"");
  }

  @Test
  void multiMegabyteLineOverTheLimitIsQuarantinedAndTheNextLineIsRead() throws Exception {
    StringBuilder big = new StringBuilder("{\"id\":\"big\",\"tags\":[\"");
    big.append("x".repeat(5 * 1024 * 1024 - big.length() - 3)).append("\"]}");
    assertThat(big.length()).isEqualTo(5 * 1024 * 1024);
    IngestResult r = balanced(jsonl.read(jsonl.land("big.jsonl", big + "\n" + order("ok", 1, NOW) + "\n")), 2, 1);
    QuarantinedRecord q = r.quarantined().get(0);
    assertThat(q.error()).isEqualTo("record of 5242880 bytes exceeds max-record-bytes 1m");
    assertThat(q.raw()).startsWith("{\"id\":\"big\"").endsWith("…[truncated 5177344 bytes]");
    assertThat(r.records().get(0).get("id")).isEqualTo("ok");
  }

  @Test
  void multiMegabyteLineWithinARaisedLimitIsParsed() throws Exception {
    IngestFixture big = new IngestFixture(dir.resolve("big"), "jsonl", "validation:\n  max-record-bytes: 32m");
    String tag = "t".repeat(25 << 20);   // beyond Jackson's default 20 MB string limit
    String line = "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + ",\"tags\":[\"" + tag + "\"]}";
    IngestResult r = balanced(big.read(big.land("big.jsonl", line)), 1, 1);
    assertThat(((List<?>) r.records().get(0).get("tags")).get(0).toString().length()).isEqualTo(tag.length());
  }

  @Test
  void wrongTypes() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("w.jsonl", String.join("\n",
        "{\"id\":\"a\",\"qty\":\"12\",\"kind\":\"buy\",\"ts\":1}",
        "{\"id\":\"a\",\"qty\":1.5,\"kind\":\"buy\",\"ts\":1}",
        "{\"id\":\"a\",\"qty\":1,\"price\":\"abc\",\"kind\":\"buy\",\"ts\":1}",
        "{\"id\":\"a\",\"qty\":1,\"kind\":\"hold\",\"ts\":1}",
        "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":\"yesterday\"}",
        "{\"id\":\"a\",\"qty\":99999999999,\"kind\":\"buy\",\"ts\":1}",
        "{\"id\":7,\"qty\":1,\"kind\":\"buy\",\"ts\":1}",
        "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":1,\"tags\":\"x\"}",
        "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":1,\"tags\":[\"x\",2]}",
        "[1,2]"))), 10, 0);
    assertThat(reasons(r)).containsExactly(
        "field 'qty': expected int, got \"12\"",
        "field 'qty': expected int, got 1.5",
        "field 'price': expected double, got \"abc\"",
        "field 'kind': expected one of [buy, sell], got \"hold\"",
        "field 'ts': expected a timestamp (epoch millis or ISO-8601 like 2024-05-01T10:00:00Z), got \"yesterday\"",
        "field 'qty': expected int, got 99999999999 (out of range)",
        "field 'id': expected string, got 7",
        "field 'tags': expected an array, got \"x\"",
        "field 'tags[1]': expected string, got 2",
        "expected a JSON object, got an array");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void missingRequiredFields() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("m.jsonl", String.join("\n",
        "{\"id\":\"a\",\"kind\":\"buy\",\"ts\":" + NOW + "}",
        "{\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}",
        "{\"id\":\"a\",\"qty\":null,\"kind\":\"buy\",\"ts\":" + NOW + "}"))), 3, 0);
    assertThat(reasons(r)).containsExactly(
        "missing required field 'qty'",
        "missing required field 'id'",
        "field 'qty': null is not allowed (field is not nullable)");
  }

  @Test
  void nullOrEmptyRecordKey() throws Exception {
    IngestFixture f = new IngestFixture(dir.resolve("nk"), "jsonl", null, null,
        IngestFixture.SCHEMA.replace("{\"name\":\"id\",\"type\":\"string\"}", "{\"name\":\"id\",\"type\":[\"null\",\"string\"]}"));
    IngestResult r = balanced(f.read(f.land("n.jsonl", String.join("\n",
        "{\"id\":null,\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}",
        "{\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}",
        "{\"id\":\"\",\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}"))), 3, 0);
    assertThat(reasons(r)).containsExactly(
        "record key field 'id' is null", "record key field 'id' is null", "record key field 'id' is empty");
  }

  @Test
  void timestampsBefore1970AndInTheFarFuture() throws Exception {
    LandingFile f = jsonl.land("ts.jsonl", order("a", 1, -1000) + "\n" + order("b", 1, 4_102_444_800_000L) + "\n"
        + order("c", 1, NOW) + "\n");
    IngestResult r = balanced(jsonl.read(f), 3, 1);
    assertThat(reasons(r)).containsExactly(
        "ts 1969-12-31T23:59:59Z is before min-event-time 1970-01-01T00:00:00Z",
        "ts 2100-01-01T00:00:00Z is more than 1d after arrival " + Instant.ofEpochMilli(f.modificationTime()));
  }

  @Test
  void unknownFieldsAreRefusedUnlessAllowed() throws Exception {
    String line = "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + ",\"colour\":\"red\"}";
    String two = "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + ",\"colour\":\"red\",\"size\":2}";
    assertThat(reasons(balanced(jsonl.read(jsonl.land("x.jsonl", line + "\n" + two)), 2, 0)))
        .containsExactly("unknown field 'colour'", "unknown fields 'colour', 'size'");
    IngestFixture lax = new IngestFixture(dir.resolve("lax"), "jsonl", "validation:\n  allow-unknown-fields: true");
    IngestResult kept = balanced(lax.read(lax.land("x.jsonl", line + "\n" + two)), 2, 2);
    // kept, but the drift is counted so the schema_drift check can report it
    assertThat(kept.ignoredFields()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("colour", 2L, "size", 1L));
    assertThat(SourceDrift.count(kept.quarantined(), kept.ignoredFields()))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("ignored:colour", 2L, "ignored:size", 1L));
    assertThat(balanced(jsonl.read(jsonl.land("y.jsonl", line)), 1, 0).ignoredFields()).isEmpty();
  }

  @Test
  void csvShiftedColumns() throws Exception {
    IngestFixture csv = new IngestFixture(dir.resolve("csv"), "csv", null);
    IngestResult r = balanced(csv.read(csv.land("o.csv", String.join("\n",
        "id,qty,price,kind,ts",
        "a,1,2.5,buy,2024-05-01T00:00:00Z",
        "b,2,buy,2024-05-01T00:00:00Z",
        "c,3,1.0,sell,2024-05-01T00:00:00Z,extra",
        "d,x,1.0,buy,2024-05-01T00:00:00Z") + "\n")), 4, 1);
    assertThat(reasons(r)).containsExactly(
        "CSV row has 4 values, header has 5",
        "CSV row has 6 values, header has 5",
        "field 'qty': expected int, got \"x\"");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).containsExactly(3L, 4L, 5L);
    assertThat(r.quarantined().get(0).raw()).isEqualTo("b,2,buy,2024-05-01T00:00:00Z");
  }

  @Test
  void schemaIncompatibleAvroFileIsQuarantinedRecordByRecord() throws Exception {
    IngestFixture avro = new IngestFixture(dir.resolve("avro"), "avro", null);
    Schema writer = SchemaBuilder.record("Order").namespace("w").fields()
        .requiredString("id").requiredLong("qty").optionalString("price")
        .name("kind").type().stringType().noDefault().requiredLong("ts").endRecord();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(writer))) {
      w.create(writer, bytes);
      w.append(rec(writer, "a", 1L, null, "buy", NOW));               // long 1 fits the int field: fine
      w.append(rec(writer, "b", 2L, "1.5", "sell", NOW));             // string price for a double field
      w.append(rec(writer, "c", 1L << 40, null, "buy", NOW));         // does not fit an int
      w.append(rec(writer, "d", 1L, null, "hold", NOW));              // not a Kind symbol
    }
    IngestResult r = balanced(avro.read(avro.land("o.avro", bytes.toByteArray())), 4, 1);
    assertThat(reasons(r)).containsExactly(
        "field 'price': expected double, got string \"1.5\"",
        "field 'qty': expected int, got long 1099511627776 (out of range)",
        "field 'kind': expected one of [buy, sell], got string \"hold\"");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).containsExactly(2L, 3L, 4L);
    assertThat(r.quarantined().get(0).raw()).contains("\"price\": \"1.5\"");
  }

  @Test
  void truncatedAvroFileKeepsTheCompleteBlocks() throws Exception {
    IngestFixture avro = new IngestFixture(dir.resolve("avro"), "avro", null);
    byte[] full = AvroFiles.orders(avro.schema, 3, 2);   // blocks of 2: records 1-2, then 3
    balanced(avro.read(avro.land("good.avro", full)), 3, 3);
    IngestResult r = balanced(avro.read(avro.land("cut.avro", Arrays.copyOf(full, full.length - 20))), 3, 2);
    assertThat(r.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.line()).isEqualTo(3);
      assertThat(q.error()).matches("truncated or corrupt Avro file after record 2: the block at byte \\d+ declares"
          + " \\d+ bytes but \\d+ remain; the rest of the file was not read");
    });
  }

  @Test
  void fileThatIsNotAvroDespiteItsName() throws Exception {
    IngestFixture avro = new IngestFixture(dir.resolve("avro"), "avro", null);
    IngestResult r = balanced(avro.read(avro.land("fake.avro", "{\"id\":\"not avro at all\"}\n")), 1, 0);
    assertThat(r.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.line()).isZero();
      assertThat(q.error()).isEqualTo("not an Avro container file: it does not start with the Avro magic bytes 'Obj' 0x01");
    });
  }

  @Test
  void fileDeletedBetweenPlanAndReadIsSkippedAndOthersAreRead() throws Exception {
    jsonl.land("a-gone.jsonl", order("a", 1, NOW));
    jsonl.land("b-kept.jsonl", order("b", 1, NOW));
    SourcePlan plan = new LandingDirSource(jsonl.spec, jsonl.conf).plan(SourceCheckpoint.EMPTY);
    assertThat(plan.files()).hasSize(2);
    Files.delete(jsonl.landing.resolve("a-gone.jsonl"));
    IngestResult r = balanced(jsonl.reader().read(plan.files()), 1, 1);
    FileReport gone = r.files().stream().filter(f -> f.file().endsWith("a-gone.jsonl")).findFirst().orElseThrow();
    FileReport kept = r.files().stream().filter(f -> f.file().endsWith("b-kept.jsonl")).findFirst().orElseThrow();
    assertThat(gone).isEqualTo(new FileReport(gone.file(), 0, 0, 0, "file vanished between listing and reading"));
    assertThat(kept.skipped()).isNull();
    assertThat(kept.good()).isEqualTo(1);
  }

  @Test
  void oneBadFileDoesNotStopTheOthers() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("1.jsonl", "garbage\n"), jsonl.land("2.jsonl", order("b", 1, NOW))), 2, 1);
    assertThat(r.files()).extracting(FileReport::quarantined).containsExactly(1L, 0L);
    assertThat(reasons(r)).containsExactly(
        "malformed JSON: Unrecognized token 'garbage': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
  }

  private static GenericRecord rec(Schema s, String id, long qty, String price, String kind, long ts) {
    GenericData.Record r = new GenericData.Record(s);
    r.put("id", id);
    r.put("qty", qty);
    r.put("price", price);
    r.put("kind", kind);
    r.put("ts", ts);
    return r;
  }
}
