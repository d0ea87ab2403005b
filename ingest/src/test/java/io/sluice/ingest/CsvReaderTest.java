package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("unchecked")
class CsvReaderTest {
  static final String TS = "2024-05-01T10:00:00Z";
  static final long TS_MILLIS = 1714557600000L;

  @TempDir Path dir;
  IngestFixture csv;

  @BeforeEach
  void setUp() throws Exception {
    csv = new IngestFixture(dir.resolve("csv"), "csv", null);
  }

  @Test
  void rowsBecomeRecordsWithTypesParsedFromText() throws Exception {
    IngestResult r = balanced(csv.read(csv.land("o.csv", String.join("\r\n",
        "\uFEFFid, qty ,price,kind,ts,seq,tags",
        "a,1,2.5,buy," + TS + ",7,\"[\"\"x\"\",\"\"y\"\"]\"",
        "\"b,with comma\", 2 ,,sell,1714557600000,8,",
        "\"c\",3,-0.5,buy,2024-05-01T12:00:00+02:00,9,[]") + "\r\n")), 3, 3);
    GenericRecord a = r.records().get(0);
    assertThat(a.get("id")).isEqualTo("a");
    assertThat(a.get("qty")).isEqualTo(1);
    assertThat(a.get("price")).isEqualTo(2.5);
    assertThat(a.get("kind").toString()).isEqualTo("buy");
    assertThat(a.get("ts")).isEqualTo(TS_MILLIS);
    assertThat(a.get("seq")).isEqualTo(7L);
    assertThat((List<Object>) a.get("tags")).containsExactly("x", "y");
    GenericRecord b = r.records().get(1);
    assertThat(b.get("id")).isEqualTo("b,with comma");
    assertThat(b.get("qty")).isEqualTo(2);
    assertThat(b.get("price")).isNull();
    assertThat(b.get("ts")).isEqualTo(TS_MILLIS);
    assertThat((List<?>) b.get("tags")).isEmpty();   // empty cell: the field's default
    assertThat(r.records().get(2).get("ts")).isEqualTo(TS_MILLIS);
    assertThat(r.records().get(2).get("dt")).isEqualTo("2024-05-01");
  }

  @Test
  void quotedFieldsSpanLinesAndRowsKeepTheirPhysicalLineAndRawText() throws Exception {
    IngestResult r = balanced(csv.read(csv.land("o.csv", String.join("\n",
        "id,qty,kind,ts",
        "\"multi",
        "line\",1,buy," + TS,
        "",
        "bad,x,buy," + TS,
        "   ",
        "\"q\"\"uote\",y,buy," + TS))), 3, 1);
    assertThat(r.records().get(0).get("id")).isEqualTo("multi\nline");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).containsExactly(5L, 7L);
    assertThat(r.quarantined()).extracting(QuarantinedRecord::raw)
        .containsExactly("bad,x,buy," + TS, "\"q\"\"uote\",y,buy," + TS);
    assertThat(reasons(r)).containsExactly("field 'qty': expected int, got \"x\"", "field 'qty': expected int, got \"y\"");
  }

  @Test
  void unquotedNullValueIsNullQuotedIsText() throws Exception {
    IngestFixture f = new IngestFixture(dir.resolve("nulls"), "csv", "csv:\n  delimiter: ';'\n  null-value: \"NULL\"", null,
        IngestFixture.SCHEMA.replace("{\"name\":\"price\",\"type\":[\"null\",\"double\"],\"default\":null}",
            "{\"name\":\"price\",\"type\":[\"null\",\"double\"],\"default\":null},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}"));
    IngestResult r = balanced(f.read(f.land("n.csv", String.join("\n",
        "id;qty;kind;ts;note;price",
        "a;1;buy;" + TS + ";NULL;NULL",
        "b;1;buy;" + TS + ";\"NULL\";NULL",
        "c;1;buy;" + TS + ";;1",
        "d;1;buy;" + TS + ";x;\"NULL\""))), 4, 3);
    assertThat(r.records().get(0).get("note")).isNull();
    assertThat(r.records().get(0).get("price")).isNull();
    assertThat(r.records().get(1).get("note")).isEqualTo("NULL");
    assertThat(r.records().get(2).get("note")).isEqualTo("");
    assertThat(r.records().get(2).get("price")).isEqualTo(1.0);
    assertThat(reasons(r)).containsExactly("field 'price': expected double, got \"NULL\"");
  }

  @Test
  void emptyStringIsNotANumber() throws Exception {
    IngestFixture f = new IngestFixture(dir.resolve("nv"), "csv", "csv:\n  null-value: \"NULL\"");
    IngestResult r = balanced(f.read(f.land("n.csv", "id,qty,kind,ts\na,,buy," + TS + "\n")), 1, 0);
    assertThat(reasons(r)).containsExactly("field 'qty': expected int, got \"\"");
  }

  @Test
  void malformedRowIsQuarantinedAsItsLineAndParsingResumes() throws Exception {
    IngestResult r = balanced(csv.read(csv.land("o.csv", String.join("\n",
        "id,qty,kind,ts",
        "a,1,buy," + TS,
        "\"b\"x,2,buy," + TS,
        "c,3,buy," + TS,
        "\"d,4,buy," + TS,
        "e,5,buy," + TS))), 5, 3);
    assertThat(r.records()).extracting(g -> g.get("id")).containsExactly("a", "c", "e");
    assertThat(r.quarantined()).extracting(QuarantinedRecord::line).containsExactly(3L, 5L);
    assertThat(reasons(r)).containsExactly(
        "malformed CSV: invalid char between encapsulated token and delimiter",
        "malformed CSV: a quoted field is never closed");
    assertThat(r.quarantined().get(1).raw()).isEqualTo("\"d,4,buy," + TS);
  }

  @Test
  void aStrayQuoteCannotMakeTheRestOfTheFileOneHugeRecord() throws Exception {
    IngestFixture f = new IngestFixture(dir.resolve("big"), "csv", null);
    StringBuilder s = new StringBuilder("id,qty,kind,ts\n\"open,1,buy," + TS + "\n");
    for (int i = 0; i < 20_000; i++) {
      s.append("r").append(i).append(",1,buy,").append(TS).append('\n');   // ~700 KB after the open quote
    }
    IngestResult r = balanced(f.read(f.land("q.csv", s.toString())), 20_001, 20_000);
    assertThat(r.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.line()).isEqualTo(2);
      assertThat(q.error()).isEqualTo("malformed CSV: a quoted field is never closed");
      assertThat(q.raw()).isEqualTo("\"open,1,buy," + TS);
    });
    // with a smaller limit the parser gives up early instead of buffering the rest of the file
    IngestFixture small = new IngestFixture(dir.resolve("small"), "csv", "validation:\n  max-record-bytes: 1k");
    IngestResult r2 = balanced(small.read(small.land("q.csv", s.toString())), 20_001, 20_000);
    assertThat(r2.quarantined().get(0).error())
        .isEqualTo("record of more than 1024 bytes exceeds max-record-bytes 1k (is a quote left open?)");
  }

  @Test
  void rowLongerThanTheLimitIsQuarantined() throws Exception {
    IngestFixture f = new IngestFixture(dir.resolve("long"), "csv", "validation:\n  max-record-bytes: 1k");
    String longRow = "x".repeat(2000) + ",1,buy," + TS;
    IngestResult r = balanced(f.read(f.land("l.csv", "id,qty,kind,ts\n" + longRow + "\nok,1,buy," + TS + "\n")), 2, 1);
    assertThat(reasons(r)).containsExactly("record of " + longRow.length() + " bytes exceeds max-record-bytes 1k");
  }

  @Test
  void invalidUtf8QuarantinesItsRowOnly() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(("id,qty,kind,ts\nok1,1,buy," + TS + "\ncaf").getBytes(StandardCharsets.UTF_8));
    b.write(0xE9);   // Latin-1 é
    b.write((",1,buy," + TS + "\nok2,1,buy," + TS + "\n").getBytes(StandardCharsets.UTF_8));
    IngestResult r = balanced(csv.read(csv.land("u.csv", b.toByteArray())), 3, 2);
    assertThat(r.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.line()).isEqualTo(3);
      assertThat(q.error()).isEqualTo("invalid UTF-8 at byte 3");
      assertThat(q.raw()).startsWith("caf\uFFFD,1,buy");
    });
  }

  @Test
  void headerProblemsQuarantineEveryRowWithTheReason() throws Exception {
    assertThat(reasons(balanced(csv.read(csv.land("u.csv", "id,qty,kind,ts,colour\na,1,buy," + TS + ",red\n")), 1, 0)))
        .containsExactly("unknown field 'colour' (CSV column 5)");
    assertThat(reasons(balanced(csv.read(csv.land("m.csv", "id,kind,ts\na,buy," + TS + "\nb,buy," + TS + "\n")), 2, 0)))
        .containsExactly("missing required field 'qty' (no such CSV column)", "missing required field 'qty' (no such CSV column)");
    assertThat(reasons(balanced(csv.read(csv.land("d.csv", "id,qty,qty,kind,ts\na,1,1,buy," + TS + "\n")), 1, 0)))
        .containsExactly("CSV header names column 'qty' twice (columns 2 and 3)");
    assertThat(reasons(balanced(csv.read(csv.land("e.csv", "id,qty,,kind,ts\na,1,,buy," + TS + "\n")), 1, 0)))
        .containsExactly("CSV header column 3 has no name");
    IngestFixture lax = new IngestFixture(dir.resolve("lax"), "csv", "validation:\n  allow-unknown-fields: true");
    assertThat(balanced(lax.read(lax.land("u.csv", "id,qty,kind,ts,colour\na,1,buy," + TS + ",red\nb,2,buy," + TS
        + ",blue\n")), 2, 2).ignoredFields()).containsExactlyEntriesOf(java.util.Map.of("colour", 2L));
  }

  @Test
  void headerOnlyFileHasNoRecordsAndAMalformedHeaderIsOneRecord() throws Exception {
    balanced(csv.read(csv.land("h.csv", "id,qty,kind,ts\n")), 0, 0);
    IngestResult r = balanced(csv.read(csv.land("bad.csv", "\"id\"x,qty\na,1\n")), 1, 0);
    assertThat(r.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.line()).isEqualTo(1);
      assertThat(q.error()).isEqualTo("malformed CSV header: invalid char between encapsulated token and delimiter;"
          + " the file was not read");
    });
  }
}
