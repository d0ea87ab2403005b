package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** One case per kind of bad input: a precise reason, and records in = good + quarantined. */
class BadInputCorpusTest {
  @TempDir Path dir;
  IngestFixture jsonl;
  static final long NOW = System.currentTimeMillis();

  @BeforeEach
  void setUp() throws Exception {
    jsonl = new IngestFixture(dir, "jsonl", null);
  }

  private static IngestResult balanced(IngestResult r, long in, long good) {
    assertThat(r.recordsIn()).isEqualTo(in).isEqualTo(r.records().size() + r.quarantined().size());
    assertThat(r.records()).hasSize((int) good);
    r.files().forEach(f -> assertThat(f.recordsIn()).isEqualTo(f.good() + f.quarantined()));
    return r;
  }

  private static String reason(IngestResult r) {
    assertThat(r.quarantined()).isNotEmpty();
    return r.quarantined().get(0).error();
  }

  @Test
  void goodLinesBecomeTableRecordsWithSluiceColumns() throws Exception {
    LandingFile f = jsonl.land("a.jsonl", IngestFixture.order("a", 1, NOW) + "\n\n"
        + "{\"id\":\"b\",\"qty\":2,\"kind\":\"sell\",\"ts\":\"2024-05-01T10:00:00+02:00\",\"tags\":[\"x\"]}\r\n");
    IngestResult r = balanced(jsonl.read(f), 2, 2);
    GenericRecord b = r.records().get(1);
    assertThat(b.get("ts")).isEqualTo(1714550400000L);
    assertThat(b.get("dt")).isEqualTo("2024-05-01");
    assertThat(b.get("price")).isNull();
    assertThat(b.get("seq")).isEqualTo(0L);
    assertThat(b.get("_source_file")).isEqualTo(f.path());
    assertThat(b.get("_ingested_at")).isEqualTo(f.modificationTime());
    assertThat(b.get("_hoodie_is_deleted")).isEqualTo(false);
  }

  @Test
  void emptyFile() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("empty.jsonl", "")), 0, 0);
    assertThat(r.files().get(0).skipped()).isNull();
  }

  @Test
  void truncatedLastLine() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("t.jsonl", IngestFixture.order("a", 1, NOW) + "\n{\"id\":\"b\",\"qty\":")), 2, 1);
    assertThat(reason(r)).startsWith("malformed JSON: Unexpected end-of-input");
    assertThat(r.quarantined().get(0).line()).isEqualTo(2);
    assertThat(r.quarantined().get(0).raw()).isEqualTo("{\"id\":\"b\",\"qty\":");
  }

  @Test
  void binaryGarbageWithoutNewlinesIsBoundedAndQuarantined() throws Exception {
    byte[] junk = new byte[3 << 20];
    new Random(1).nextBytes(junk);
    for (int i = 0; i < junk.length; i++) {
      if (junk[i] == '\n') junk[i] = 0;
    }
    IngestResult r = balanced(jsonl.read(jsonl.land("junk.bin", junk)), 1, 0);
    assertThat(reason(r)).isEqualTo("record of 3145728 bytes exceeds max-record-bytes 1m");
    assertThat(r.quarantined().get(0).raw()).contains("…[truncated").hasSizeLessThan(70_000);
  }

  @Test
  void invalidUtf8() throws Exception {
    byte[] bad = "{\"id\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    IngestResult r = balanced(jsonl.read(jsonl.land("u.jsonl", bad)), 1, 0);
    assertThat(reason(r)).isEqualTo("invalid UTF-8 at byte 10");
  }

  @Test
  void lineOfSeveralMegabytesWithinTheLimitIsParsedAndOverTheLimitIsNot() throws Exception {
    IngestFixture big = new IngestFixture(dir.resolve("big"), "jsonl", "validation:\n  max-record-bytes: 8m");
    String tags = "\"" + "t".repeat(4 << 20) + "\"";
    String line = "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + ",\"tags\":[" + tags + "]}";
    balanced(big.read(big.land("big.jsonl", line + "\n" + line.replace("[", "[" + tags + "," + tags + ",") + "\n")), 2, 1);
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
        "[1,2]"))), 7, 0);
    assertThat(r.quarantined()).extracting(QuarantinedRecord::error).containsExactly(
        "field 'qty': expected int, got \"12\"",
        "field 'qty': expected int, got 1.5",
        "field 'price': expected double, got \"abc\"",
        "field 'kind': 'hold' is not one of [buy, sell]",
        "field 'ts': expected a timestamp (epoch number or ISO-8601 like 2024-05-01T10:00:00Z), got \"yesterday\"",
        "field 'qty': expected int, got 99999999999",
        "expected a JSON object, got an array");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void missingRequiredFieldsAndNullKeys() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("m.jsonl", String.join("\n",
        "{\"id\":\"a\",\"kind\":\"buy\",\"ts\":" + NOW + "}",
        "{\"id\":null,\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}",
        "{\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}"))), 3, 0);
    assertThat(r.quarantined()).extracting(QuarantinedRecord::error).containsExactly(
        "missing required field 'qty'",
        "field 'id': null is not allowed (field is not nullable)",
        "missing required field 'id'");
  }

  @Test
  void nullKeyInNullableKeyFieldIsRefused() throws Exception {
    Files.writeString(dir.resolve("n.avsc"), IngestFixture.SCHEMA.replace("{\"name\":\"id\",\"type\":\"string\"}",
        "{\"name\":\"id\",\"type\":[\"null\",\"string\"]}"));
    IngestFixture f = new IngestFixture(dir.resolve("nk"), "jsonl", null);
    var schema = new Schema.Parser().parse(Files.readString(dir.resolve("n.avsc")));
    IngestResult r = new EventReader(f.spec, schema, f.conf).read(java.util.List.of(
        f.land("n.jsonl", "{\"id\":null,\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + "}")));
    assertThat(reason(balanced(r, 1, 0))).isEqualTo("record key field 'id' is null");
  }

  @Test
  void timestampsBefore1970AndInTheFarFuture() throws Exception {
    long future = NOW + 400L * 86_400_000;
    IngestResult r = balanced(jsonl.read(jsonl.land("ts.jsonl", IngestFixture.order("a", 1, -1000) + "\n"
        + IngestFixture.order("b", 1, future) + "\n" + IngestFixture.order("c", 1, NOW) + "\n")), 3, 1);
    assertThat(r.quarantined().get(0).error()).isEqualTo("ts 1969-12-31T23:59:59Z is before min-event-time 1970-01-01T00:00:00Z");
    assertThat(r.quarantined().get(1).error()).startsWith("ts " + java.time.Instant.ofEpochMilli(future) + " is more than 1d after arrival ");
  }

  @Test
  void unknownFieldsAreRefusedUnlessAllowed() throws Exception {
    String line = "{\"id\":\"a\",\"qty\":1,\"kind\":\"buy\",\"ts\":" + NOW + ",\"colour\":\"red\"}";
    assertThat(reason(balanced(jsonl.read(jsonl.land("x.jsonl", line)), 1, 0))).isEqualTo("unknown field 'colour'");
    IngestFixture lax = new IngestFixture(dir.resolve("lax"), "jsonl", "validation:\n  allow-unknown-fields: true");
    balanced(lax.read(lax.land("x.jsonl", line)), 1, 1);
  }

  @Test
  void csvWithShiftedColumnsAndTypes() throws Exception {
    IngestFixture csv = new IngestFixture(dir.resolve("csv"), "csv", null);
    IngestResult r = balanced(csv.read(csv.land("o.csv", String.join("\n",
        "id,qty,price,kind,ts",
        "a,1,2.5,buy,2024-05-01T00:00:00Z",
        "b,2,,sell," + NOW,
        "c,3,buy,2024-05-01T00:00:00Z",
        "d,x,1.0,buy," + NOW,
        "\"e,1\",4,1.0,sell," + NOW) + "\n")), 5, 3);
    assertThat(r.records().get(1).get("price")).isNull();
    assertThat(r.records().get(2).get("id")).isEqualTo("e,1");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::error)
        .containsExactly("CSV row has 4 values, header has 5", "field 'qty': expected int, got \"x\"");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).containsExactly(4L, 5L);
  }

  @Test
  void csvHeaderWithUnknownColumn() throws Exception {
    IngestFixture csv = new IngestFixture(dir.resolve("csvu"), "csv", null);
    IngestResult r = balanced(csv.read(csv.land("o.csv", "id,qty,kind,ts,extra\na,1,buy," + NOW + ",z\n")), 1, 0);
    assertThat(reason(r)).isEqualTo("unknown field 'extra' (CSV column 5)");
  }

  @Test
  void avroFilesResolveOrQuarantinePerRecord() throws Exception {
    IngestFixture avro = new IngestFixture(dir.resolve("avro"), "avro", null);
    Schema writer = SchemaBuilder.record("Order").namespace("w").fields()
        .requiredString("id").requiredLong("qty").optionalString("price")
        .name("kind").type().stringType().noDefault().requiredLong("ts").endRecord();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(writer))) {
      w.create(writer, bytes);
      w.append(rec(writer, "a", 1L, null, "buy", NOW));       // qty long → int: incompatible
      w.append(rec(writer, "b", 2L, "1.5", "sell", NOW));     // price string → double: incompatible
    }
    IngestResult r = balanced(avro.read(avro.land("o.avro", bytes.toByteArray())), 2, 0);
    assertThat(r.quarantined()).extracting(QuarantinedRecord::error)
        .containsExactly("field 'qty': expected int, got long 1", "field 'qty': expected int, got long 2");

    Schema ok = new Schema.Parser().parse(IngestFixture.SCHEMA);
    ByteArrayOutputStream good = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(ok))) {
      w.create(ok, good);
      for (int i = 0; i < 3; i++) {
        GenericData.Record g = new GenericData.Record(ok);
        g.put("id", "g" + i);
        g.put("qty", i);
        g.put("kind", new GenericData.EnumSymbol(ok.getField("kind").schema(), "buy"));
        g.put("ts", NOW);
        g.put("seq", 1L);
        g.put("tags", java.util.List.of("t"));
        w.append(g);
      }
    }
    byte[] full = good.toByteArray();
    balanced(avro.read(avro.land("good.avro", full)), 3, 3);
    // truncated container: the header survives, the data block does not
    IngestResult t = balanced(avro.read(avro.land("cut.avro", java.util.Arrays.copyOf(full, full.length - 20))), 1, 0);
    assertThat(reason(t)).startsWith("corrupt or truncated Avro file after record 0");
    IngestResult n = balanced(avro.read(avro.land("fake.avro", "not avro at all")), 1, 0);
    assertThat(reason(n)).startsWith("not an Avro container file");
    assertThat(n.quarantined().get(0).line()).isZero();
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

  @Test
  void fileDeletedBetweenListingAndReadingIsSkippedAndOthersAreRead() throws Exception {
    LandingFile gone = jsonl.land("gone.jsonl", IngestFixture.order("a", 1, NOW));
    LandingFile kept = jsonl.land("kept.jsonl", IngestFixture.order("b", 1, NOW));
    Files.delete(Path.of(java.net.URI.create(gone.path())));
    IngestResult r = balanced(jsonl.read(gone, kept), 1, 1);
    assertThat(r.files().get(0).skipped()).isEqualTo("file vanished between listing and reading");
    assertThat(r.files().get(1).skipped()).isNull();
  }

  @Test
  void oneBadFileDoesNotStopTheOthers() throws Exception {
    IngestResult r = balanced(jsonl.read(jsonl.land("1.jsonl", "garbage\n"), jsonl.land("2.jsonl", IngestFixture.order("b", 1, NOW))), 2, 1);
    assertThat(r.files()).extracting(FileReport::quarantined).containsExactly(1L, 0L);
  }
}
