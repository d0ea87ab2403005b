package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Avro type the JSON path converts, and the strictness rules, on a schema with them all. */
@SuppressWarnings("unchecked")
class JsonConversionTest {
  static final String RICH = """
      {"type":"record","name":"Rich","namespace":"t","fields":[
        {"name":"id","type":"string"},
        {"name":"n","type":"long","default":0},
        {"name":"seq","type":"int"},
        {"name":"ts","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"local","type":["null",{"type":"long","logicalType":"local-timestamp-millis"}],"default":null},
        {"name":"day","type":["null",{"type":"int","logicalType":"date"}],"default":null},
        {"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}],"default":null},
        {"name":"ratio","type":["null","float"],"default":null},
        {"name":"deleted","type":"boolean","default":false},
        {"name":"addr","type":["null",{"type":"record","name":"Addr","fields":[
          {"name":"city","type":"string"},{"name":"zip","type":["null","int"],"default":null}]}],"default":null},
        {"name":"attrs","type":{"type":"map","values":"long"},"default":{}},
        {"name":"either","type":["null","int","string"],"default":null},
        {"name":"blob","type":["null",{"type":"fixed","name":"F4","size":4}],"default":null}]}""";

  @TempDir Path dir;
  IngestFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new IngestFixture(dir, "landing-dir: " + dir.resolve("landing"), "jsonl",
        "validation:\n  max-future-skew: 36500d", "delete-field: deleted\npartition-grain: hour", RICH);
    java.nio.file.Files.createDirectories(f.landing);
  }

  private IngestResult lines(String... lines) throws Exception {
    return f.read(f.land("f" + System.nanoTime() + ".jsonl", String.join("\n", lines)));
  }

  private static String base(String extra) {
    return "{\"id\":\"k\",\"seq\":1,\"ts\":\"2024-05-01T10:00:00.123456Z\"" + extra + "}";
  }

  @Test
  void everyTypeConverts() throws Exception {
    IngestResult r = balanced(lines(base(",\"n\":2.0,\"local\":\"2024-05-01T10:00:00\",\"day\":\"2024-05-01\","
        + "\"amount\":12.5,\"ratio\":0.25,\"deleted\":true,\"addr\":{\"city\":\"Oslo\"},\"attrs\":{\"a\":1},"
        + "\"either\":\"s\",\"blob\":\"\\u0001\\u0002\\u0003\\u00ff\"")), 1, 1);
    GenericRecord g = r.records().get(0);
    assertThat(g.get("n")).isEqualTo(2L);
    assertThat(g.get("ts")).isEqualTo(1714557600123456L);
    assertThat(g.get("local")).isEqualTo(1714557600000L);
    assertThat(g.get("day")).isEqualTo(19844);
    Schema amount = EventSchemasUtil.nonNull(f.schema.getField("amount").schema());
    assertThat(new Conversions.DecimalConversion().fromBytes((ByteBuffer) g.get("amount"), amount, amount.getLogicalType()))
        .isEqualTo(new BigDecimal("12.50"));
    assertThat(g.get("ratio")).isEqualTo(0.25f);
    assertThat(((GenericRecord) g.get("addr")).get("city")).isEqualTo("Oslo");
    assertThat(((GenericRecord) g.get("addr")).get("zip")).isNull();
    assertThat((Map<Object, Object>) g.get("attrs")).containsEntry("a", 1L);
    assertThat(g.get("either")).isEqualTo("s");
    assertThat(((GenericData.Fixed) g.get("blob")).bytes()).containsExactly(1, 2, 3, (byte) 0xff);
    assertThat(g.get("_hoodie_is_deleted")).isEqualTo(true);
    assertThat(g.get("dt")).isEqualTo("2024-05-01");
    assertThat(g.get("hr")).isEqualTo("10");
    assertThat(r.deletes()).isEqualTo(1);
    // the record is valid in the table schema, so Hudi can write it
    assertThat(GenericData.get().validate(g.getSchema(), g)).isTrue();
  }

  @Test
  void defaultsAndNumbersWrittenAsFloats() throws Exception {
    IngestResult r = balanced(lines(
        base(""),
        "{\"id\":\"k\",\"seq\":1,\"ts\":1714557600123456,\"n\":1e2,\"either\":5}",
        "{\"id\":\"k\",\"seq\":1,\"ts\":\"2024-05-01T12:00:00+02:00\"}"), 3, 3);
    GenericRecord d = r.records().get(0);
    assertThat(d.get("n")).isEqualTo(0L);
    assertThat(d.get("deleted")).isEqualTo(false);
    assertThat((Map<?, ?>) d.get("attrs")).isEmpty();
    assertThat(r.records().get(1).get("n")).isEqualTo(100L);
    assertThat(r.records().get(1).get("either")).isEqualTo(5);
    assertThat(r.records().get(2).get("ts")).isEqualTo(1714557600000000L);
    assertThat(r.deletes()).isZero();
  }

  @Test
  void strictnessNamesTheFieldAndTheValue() throws Exception {
    IngestResult r = balanced(lines(
        base(",\"n\":9223372036854775808"),
        base(",\"amount\":12.345"),
        base(",\"amount\":12345678.9"),
        base(",\"addr\":{\"city\":\"Oslo\",\"zip\":\"x\"}"),
        base(",\"addr\":{\"city\":\"Oslo\",\"street\":\"y\"}"),
        base(",\"addr\":\"Oslo\""),
        base(",\"attrs\":{\"a\":\"x\"}"),
        base(",\"either\":true"),
        base(",\"blob\":\"abc\""),
        base(",\"ratio\":1e400"),
        base(",\"day\":\"May 1st\""),
        base(",\"local\":\"2024-05-01T10:00:00Z\""),
        "{\"id\":\"k\",\"seq\":1,\"ts\":\"2024-05-01T10:00:00\"}",
        "{\"id\":\"k\",\"id\":\"j\",\"seq\":1,\"ts\":1}",
        "{\"id\":\"k\",\"seq\":1,\"ts\":1} {\"id\":\"j\"}",
        "{\"id\":\"k\",\"seq\":1,\"ts\":null}",
        "  \"just a string\"  "), 17, 0);
    assertThat(reasons(r)).containsExactly(
        "field 'n': expected long, got 9223372036854775808 (out of range)",
        "field 'amount': expected decimal(9,2), got 12.345 (more than 2 decimal places)",
        "field 'amount': expected decimal(9,2), got 1.23456789E7 (out of range)",
        "field 'addr.zip': expected int, got \"x\"",
        "unknown field 'addr.street'",
        "field 'addr': expected a record, got \"Oslo\"",
        "field 'attrs[\"a\"]': expected long, got \"x\"",
        "field 'either': expected one of [int, string], got true",
        "field 'blob': expected 4 bytes, got 3",
        "field 'ratio': expected float, got Infinity (out of range)",
        "field 'day': expected a date (epoch days or ISO-8601 like 2024-05-01), got \"May 1st\"",
        "field 'local': expected a timestamp (epoch millis or ISO-8601 like 2024-05-01T10:00:00), got \"2024-05-01T10:00:00Z\"",
        "field 'ts': expected a timestamp (epoch micros or ISO-8601 like 2024-05-01T10:00:00Z), got \"2024-05-01T10:00:00\"",
        "malformed JSON: Duplicate field 'id'",
        "malformed JSON: more than one JSON value on the line",
        "field 'ts': null is not allowed (field is not nullable)",
        "expected a JSON object, got \"just a string\"");
  }

  @Test
  void aliasesNameFieldsInJsonAndCsv() throws Exception {
    String aliased = IngestFixture.SCHEMA.replace("{\"name\":\"qty\",\"type\":\"int\"}",
        "{\"name\":\"qty\",\"type\":\"int\",\"aliases\":[\"quantity\"]}");
    IngestFixture j = new IngestFixture(dir.resolve("aj"), "jsonl", null, null, aliased);
    IngestResult r = balanced(j.read(j.land("a.jsonl", String.join("\n",
        "{\"id\":\"a\",\"quantity\":3,\"kind\":\"buy\",\"ts\":" + IngestFixture.NOW + "}",
        "{\"id\":\"b\",\"qty\":1,\"quantity\":2,\"kind\":\"buy\",\"ts\":" + IngestFixture.NOW + "}"))), 2, 1);
    assertThat(r.records().get(0).get("qty")).isEqualTo(3);
    assertThat(reasons(r)).containsExactly("field 'qty' is given twice, as 'qty' and as 'quantity'");
    IngestFixture c = new IngestFixture(dir.resolve("ac"), "csv", null, null, aliased);
    IngestResult rc = balanced(c.read(c.land("a.csv", "id,quantity,kind,ts\na,4,buy," + IngestFixture.NOW + "\n")), 1, 1);
    assertThat(rc.records().get(0).get("qty")).isEqualTo(4);
  }

  /** Access to the core helper without importing the spec package everywhere. */
  static final class EventSchemasUtil {
    static Schema nonNull(Schema s) {
      return io.sluice.core.spec.EventSchemas.nonNull(s);
    }
  }

  @Test
  void logicalTypesUsedHereExist() {
    assertThat(LogicalTypes.fromSchema(EventSchemasUtil.nonNull(f.schema.getField("amount").schema())))
        .isInstanceOf(LogicalTypes.Decimal.class);
  }
}
