package io.sluice.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import io.sluice.core.spec.EventSchemas;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.avro.Conversions;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Converts parsed values to the pipeline's Avro schema. There is one conversion path, from a
 * Jackson tree: JSON lines are parsed to one, CSV cells become one by the field's type
 * ({@link #fromText}) and Avro datums are rendered as one ({@link #avroToNode}), so every format
 * follows the same rules:
 *
 * <ul>
 *   <li>types are strict: the JSON string {@code "12"} is not an int; CSV text is parsed by type;
 *   <li>int and long are range-checked; a number with a fractional part is not an integer;
 *   <li>a missing field takes its default, else null if nullable, else is an error; an explicit
 *       null needs a nullable field; input names may be a field's aliases;
 *   <li>timestamp and local-timestamp (millis, micros) take epoch numbers in the field's unit or
 *       ISO-8601 text ({@code 2024-05-01T10:00:00Z}, offsets allowed); Avro timestamps convert
 *       exactly between millis and micros; date takes epoch days or {@code 2024-05-01};
 *   <li>decimal (bytes or fixed) takes numbers or numeric text that fit its scale and precision;
 *   <li>unions other than {@code [null, T]} take the first branch the value converts to.
 * </ul>
 *
 * Errors name the field path, e.g. {@code field 'address.zip': expected int, got "x"}. Not
 * thread-safe.
 */
final class ValueConverter {
  /** How offending values are described: JSON as written; Avro with their Avro type. */
  enum Style { JSON, AVRO }

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();

  private final boolean allowUnknownFields;
  private final Style style;
  private final Map<Schema.Field, JsonNode> defaults = new IdentityHashMap<>();
  /** Unknown fields dropped under allow-unknown-fields, by path, with the records that carried them. */
  private final Map<String, Long> ignored = new TreeMap<>();

  private static final int POOLED = 2048;
  private final Map<Schema.Field, StringPool> strings = new IdentityHashMap<>();

  ValueConverter(boolean allowUnknownFields, Style style) {
    this.allowUnknownFields = allowUnknownFields;
    this.style = style;
  }

  // ---- records --------------------------------------------------------------------------------

  /** Notes one record whose field {@code path} was dropped because the schema does not know it. */
  void ignored(String path) {
    ignored.merge(path, 1L, Long::sum);
  }

  /** The dropped unknown fields noted since the last call, with record counts; clears them. */
  Map<String, Long> drainIgnored() {
    Map<String, Long> out = Map.copyOf(ignored);
    ignored.clear();
    return out;
  }

  /** Converts a JSON object to a record of {@code schema}; {@code path} is "" at the top level. */
  GenericData.Record record(JsonNode obj, Schema schema, String path) throws BadRecordException {
    if (!obj.isObject()) {
      throw new BadRecordException(where(path) + "expected " + (path.isEmpty() ? "a JSON object" : "a record")
          + ", got " + describe(obj));
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (field(schema, name) == null) {
        unknown.add(join(path, name));
      }
    }
    if (!unknown.isEmpty() && !allowUnknownFields) {
      throw new BadRecordException((unknown.size() == 1 ? "unknown field " : "unknown fields ")
          + String.join(", ", unknown.stream().map(u -> "'" + u + "'").toList()));
    }
    unknown.forEach(this::ignored);
    GenericData.Record r = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      String fp = join(path, f.name());
      JsonNode v = valueOf(obj, f, fp);
      Object value = v == null ? missing(f, fp) : convert(v, f.schema(), fp);
      r.put(f.pos(), value instanceof String str ? strings.computeIfAbsent(f, k -> new StringPool()).canonical(str) : value);
    }
    return r;
  }

  /**
   * One instance per distinct value of a low-cardinality string field (event type, country): a batch
   * holds its records until they are written, and three copies of "android" per record were a third
   * of what the garbage collector moved while a batch was read. A field that shows more than
   * {@value #POOLED} distinct values (ids) is left alone from then on.
   */
  private static final class StringPool {
    private Map<String, String> seen = new HashMap<>();

    String canonical(String s) {
      if (seen == null) {
        return s;
      }
      String c = seen.putIfAbsent(s, s);
      if (c != null) {
        return c;
      }
      if (seen.size() > POOLED) {
        seen = null;
      }
      return s;
    }
  }

  /** The value of {@code f} in {@code obj}, by name or by one of the field's aliases, given once. */
  private static JsonNode valueOf(JsonNode obj, Schema.Field f, String path) throws BadRecordException {
    JsonNode v = obj.get(f.name());
    String as = f.name();
    for (String alias : f.aliases()) {
      JsonNode a = obj.get(alias);
      if (a != null) {
        if (v != null) {
          throw new BadRecordException("field '" + path + "' is given twice, as '" + as + "' and as '" + alias + "'");
        }
        v = a;
        as = alias;
      }
    }
    return v;
  }

  /** The field of {@code schema} called {@code name}, or aliased so; null if none. */
  static Schema.Field field(Schema schema, String name) {
    Schema.Field f = schema.getField(name);
    if (f == null) {
      for (Schema.Field g : schema.getFields()) {
        if (g.aliases().contains(name)) return g;
      }
    }
    return f;
  }

  /** The value of a field the input does not have: its default, null if nullable, else an error. */
  Object missing(Schema.Field f, String path) throws BadRecordException {
    if (f.hasDefaultValue()) {
      // Converted like input (not GenericData.getDefaultValue) so defaults have the same Java types.
      JsonNode d = defaults.computeIfAbsent(f, ValueConverter::defaultNode);
      return convert(d, f.schema(), path);
    }
    if (isNullable(f.schema())) {
      return null;
    }
    throw new BadRecordException("missing required field '" + path + "'");
  }

  private static JsonNode defaultNode(Schema.Field f) {
    Object d = f.defaultVal();
    return d == null || d == JsonProperties.NULL_VALUE ? NullNode.getInstance() : JSON.valueToTree(d);
  }

  // ---- values ---------------------------------------------------------------------------------

  Object convert(JsonNode v, Schema s, String path) throws BadRecordException {
    if (v.isNull()) {
      if (isNullable(s)) return null;
      throw new BadRecordException(where(path) + "null is not allowed (field is not nullable)");
    }
    if (s.getType() == Schema.Type.UNION) {
      return union(v, s, path);
    }
    LogicalType lt = s.getLogicalType();
    switch (s.getType()) {
      case STRING:
        if (!v.isTextual()) throw mismatch(path, "string", v);
        return v.textValue();
      case BOOLEAN:
        if (!v.isBoolean()) throw mismatch(path, "boolean", v);
        return v.booleanValue();
      case INT:
        if (lt instanceof LogicalTypes.Date && v.isTextual()) {
          return date(v.textValue(), path);
        }
        return (int) integral(v, path, lt instanceof LogicalTypes.Date ? "date" : "int", Integer.MIN_VALUE, Integer.MAX_VALUE);
      case LONG:
        if (isTimestamp(s)) {
          return timestamp(v, s, path);
        }
        return integral(v, path, "long", Long.MIN_VALUE, Long.MAX_VALUE);
      case FLOAT: {
        double d = floating(v, path, "float");
        if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) throw outOfRange(path, "float", v);
        return (float) d;
      }
      case DOUBLE:
        return floating(v, path, "double");
      case ENUM: {
        if (!v.isTextual()) throw mismatch(path, "one of " + s.getEnumSymbols(), v);
        if (!s.hasEnumSymbol(v.textValue())) throw mismatch(path, "one of " + s.getEnumSymbols(), v);
        return new GenericData.EnumSymbol(s, v.textValue());
      }
      case BYTES:
        if (lt instanceof LogicalTypes.Decimal d) {
          return DECIMALS.toBytes(decimal(v, d, path), s, d);
        }
        return ByteBuffer.wrap(bytes(v, path, "bytes"));
      case FIXED: {
        if (lt instanceof LogicalTypes.Decimal d) {
          return DECIMALS.toFixed(decimal(v, d, path), s, d);
        }
        byte[] b = bytes(v, path, "fixed(" + s.getFixedSize() + ")");
        if (b.length != s.getFixedSize()) {
          throw new BadRecordException(where(path) + "expected " + s.getFixedSize() + " bytes, got " + b.length);
        }
        return new GenericData.Fixed(s, b);
      }
      case RECORD:
        return record(v, s, path);
      case ARRAY: {
        if (!v.isArray()) throw mismatch(path, "an array", v);
        List<Object> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
          out.add(convert(v.get(i), s.getElementType(), path + "[" + i + "]"));
        }
        return new GenericData.Array<>(s, out);
      }
      case MAP: {
        if (!v.isObject()) throw mismatch(path, "a map (JSON object)", v);
        Map<String, Object> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          out.put(e.getKey(), convert(e.getValue(), s.getValueType(), path + "[\"" + e.getKey() + "\"]"));
        }
        return out;
      }
      case NULL:
        throw mismatch(path, "null", v);
      default:
        throw new BadRecordException(where(path) + "unsupported schema type " + s.getType());
    }
  }

  private Object union(JsonNode v, Schema s, String path) throws BadRecordException {
    // Plain loops: this runs for every optional field of every record, and streams cost 9% of parsing.
    Schema only = null;
    int n = 0;
    for (Schema b : s.getTypes()) {
      if (b.getType() != Schema.Type.NULL) {
        only = b;
        n++;
      }
    }
    if (n == 1) {
      return convert(v, only, path);
    }
    List<Schema> branches = s.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
    for (Schema b : branches) {
      try {
        return convert(v, b, path);
      } catch (BadRecordException e) {
        // try the next branch
      }
    }
    throw mismatch(path, "one of " + branches.stream().map(ValueConverter::typeName).toList(), v);
  }

  private long integral(JsonNode v, String path, String type, long min, long max) throws BadRecordException {
    if (v.isIntegralNumber()) {
      if (v.canConvertToLong()) {
        long x = v.longValue();
        if (x >= min && x <= max) return x;
      }
      throw outOfRange(path, type, v);
    }
    if (v.isFloatingPointNumber()) {
      // 2.0 is an integer written as a float; 2.5 is not.
      double d = v.doubleValue();
      if (!Double.isFinite(d) || d != Math.rint(d)) throw mismatch(path, type, v);
      if (d < min || d > max || d >= 0x1p63) throw outOfRange(path, type, v);
      return (long) d;
    }
    throw mismatch(path, type, v);
  }

  private double floating(JsonNode v, String path, String type) throws BadRecordException {
    if (!v.isNumber()) throw mismatch(path, type, v);
    double d = v.doubleValue();
    // Avro data may hold NaN or infinities; JSON text that overflows a double is a mistake.
    if (!Double.isFinite(d) && style == Style.JSON) throw outOfRange(path, type, v);
    return d;
  }

  private long timestamp(JsonNode v, Schema s, String path) throws BadRecordException {
    LogicalType lt = s.getLogicalType();
    boolean micros = lt instanceof LogicalTypes.TimestampMicros || lt instanceof LogicalTypes.LocalTimestampMicros;
    boolean local = lt instanceof LogicalTypes.LocalTimestampMillis || lt instanceof LogicalTypes.LocalTimestampMicros;
    if (v.isPojo() && ((POJONode) v).getPojo() instanceof AvroTime t) {
      try {
        return t.in(micros);
      } catch (ArithmeticException e) {
        throw outOfRange(path, "timestamp", v);
      }
    }
    if (v.isTextual()) {
      String text = v.textValue().trim();
      Instant i;
      try {
        i = local ? LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC)
            : OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
      } catch (DateTimeException e) {
        throw new BadRecordException(where(path) + "expected a timestamp (epoch " + (micros ? "micros" : "millis")
            + " or ISO-8601 like " + (local ? "2024-05-01T10:00:00" : "2024-05-01T10:00:00Z") + "), got "
            + describe(v));
      }
      try {
        return micros ? Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000)
            : i.toEpochMilli();
      } catch (ArithmeticException e) {
        throw outOfRange(path, "timestamp", v);
      }
    }
    return integral(v, path, "timestamp", Long.MIN_VALUE, Long.MAX_VALUE);
  }

  private static int date(String text, String path) throws BadRecordException {
    try {
      return Math.toIntExact(LocalDate.parse(text.trim()).toEpochDay());
    } catch (DateTimeException | ArithmeticException e) {
      throw new BadRecordException(where(path) + "expected a date (epoch days or ISO-8601 like 2024-05-01), got \""
          + abbreviate(text) + "\"");
    }
  }

  private BigDecimal decimal(JsonNode v, LogicalTypes.Decimal d, String path) throws BadRecordException {
    String type = "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    BigDecimal x;
    try {
      if (v.isNumber()) {
        // A double's shortest decimal form (0.1, not 0.1000000000000000055...).
        x = v.isFloatingPointNumber() && !v.isBigDecimal() ? new BigDecimal(v.asText()) : v.decimalValue();
      } else if (v.isTextual()) {
        x = new BigDecimal(v.textValue().trim());
      } else {
        throw mismatch(path, type, v);
      }
    } catch (NumberFormatException e) {   // NaN, infinities, text that is no number
      throw mismatch(path, type, v);
    }
    try {
      x = x.setScale(d.getScale());
    } catch (ArithmeticException e) {
      throw new BadRecordException(where(path) + "expected " + type + ", got " + describe(v)
          + " (more than " + d.getScale() + " decimal places)");
    }
    if (x.precision() > d.getPrecision()) {
      throw outOfRange(path, type, v);
    }
    return x;
  }

  private byte[] bytes(JsonNode v, String path, String type) throws BadRecordException {
    if (v.isBinary()) {
      try {
        return v.binaryValue();
      } catch (java.io.IOException e) {
        throw mismatch(path, type, v);
      }
    }
    if (v.isTextual()) {
      // Avro's JSON encoding of bytes: one char per byte, U+0000..U+00FF.
      String t = v.textValue();
      for (int i = 0; i < t.length(); i++) {
        if (t.charAt(i) > 0xFF) {
          throw new BadRecordException(where(path) + "expected " + type + " (chars U+0000..U+00FF), got "
              + describe(v));
        }
      }
      return t.getBytes(StandardCharsets.ISO_8859_1);
    }
    throw mismatch(path, type, v);
  }

  // ---- CSV text -------------------------------------------------------------------------------

  /**
   * Converts one CSV cell by the field's type: numbers, booleans ({@code true}/{@code false}, any
   * case) and timestamps are parsed from text (surrounding blanks ignored), strings are taken
   * as-is, and records, arrays and maps are read as JSON. {@code text} null means the CSV null value.
   */
  Object fromText(String text, Schema s, String path) throws BadRecordException {
    if (text == null) {
      if (isNullable(s)) return null;
      throw new BadRecordException(where(path) + "null is not allowed (field is not nullable)");
    }
    if (s.getType() == Schema.Type.UNION) {
      List<Schema> branches = s.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
      if (branches.size() == 1) {
        return fromText(text, branches.get(0), path);
      }
      for (Schema b : branches) {
        try {
          return fromText(text, b, path);
        } catch (BadRecordException e) {
          // try the next branch
        }
      }
      throw new BadRecordException(where(path) + "expected one of "
          + branches.stream().map(ValueConverter::typeName).toList() + ", got \"" + abbreviate(text) + "\"");
    }
    return convert(textToNode(text, s, path), s, path);
  }

  private static JsonNode textToNode(String text, Schema s, String path) throws BadRecordException {
    String x = text.strip();
    switch (s.getType()) {
      case STRING:
        return NODES.textNode(text);
      case ENUM:
        return NODES.textNode(x);
      case BOOLEAN:
        if (x.equalsIgnoreCase("true")) return NODES.booleanNode(true);
        if (x.equalsIgnoreCase("false")) return NODES.booleanNode(false);
        return NODES.textNode(text);
      case INT:
      case LONG:
        if (INTEGER.matcher(x).matches()) {
          return NODES.numberNode(new BigInteger(x.startsWith("+") ? x.substring(1) : x));
        }
        return s.getLogicalType() != null ? NODES.textNode(x) : number(text, x);
      case FLOAT:
      case DOUBLE:
        return number(text, x);
      case BYTES:
      case FIXED:
        return NODES.textNode(s.getLogicalType() instanceof LogicalTypes.Decimal ? x : text);
      case RECORD:
      case ARRAY:
      case MAP:
        try {
          return JSON.readTree(text);
        } catch (JsonProcessingException e) {
          throw new BadRecordException(where(path) + "expected JSON for " + typeName(s) + ", got \""
              + abbreviate(text) + "\"");
        }
      default:
        return NODES.textNode(text);
    }
  }

  private static JsonNode number(String text, String x) {
    try {
      return NODES.numberNode(new BigDecimal(x).doubleValue());
    } catch (NumberFormatException e) {
      return NODES.textNode(text);
    }
  }

  // ---- Avro datums ----------------------------------------------------------------------------

  /** A timestamp read from Avro data, kept with its unit so it converts exactly to the field's unit. */
  record AvroTime(long value, boolean micros, boolean local) {
    long in(boolean wantMicros) {
      if (micros == wantMicros) return value;
      return wantMicros ? Math.multiplyExact(value, 1000L) : Math.floorDiv(value, 1000L);
    }

    @Override
    public String toString() {
      Instant i = micros
          ? Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000L)
          : Instant.ofEpochMilli(value);
      return local ? LocalDateTime.ofInstant(i, ZoneOffset.UTC).toString() : i.toString();
    }
  }

  /** Renders an Avro datum, read with its writer schema, as a tree for {@link #convert}. */
  static JsonNode avroToNode(Object datum, Schema writer) {
    if (datum == null) {
      return NullNode.getInstance();
    }
    LogicalType lt = writer.getLogicalType();
    switch (writer.getType()) {
      case UNION:
        return avroToNode(datum, writer.getTypes().get(GenericData.get().resolveUnion(writer, datum)));
      case RECORD: {
        IndexedRecord r = (IndexedRecord) datum;
        ObjectNode o = NODES.objectNode();
        for (Schema.Field f : writer.getFields()) {
          o.set(f.name(), avroToNode(r.get(f.pos()), f.schema()));
        }
        return o;
      }
      case ENUM:
        return NODES.textNode(datum instanceof GenericEnumSymbol<?> e ? e.toString() : datum.toString());
      case ARRAY: {
        ArrayNode a = NODES.arrayNode();
        for (Object e : (Collection<?>) datum) {
          a.add(avroToNode(e, writer.getElementType()));
        }
        return a;
      }
      case MAP: {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
          o.set(e.getKey().toString(), avroToNode(e.getValue(), writer.getValueType()));
        }
        return o;
      }
      case STRING:
        return NODES.textNode(datum.toString());
      case BYTES: {
        ByteBuffer b = ((ByteBuffer) datum).duplicate();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return lt instanceof LogicalTypes.Decimal d
            ? NODES.numberNode(new BigDecimal(new BigInteger(a), d.getScale())) : NODES.binaryNode(a);
      }
      case FIXED: {
        byte[] a = ((GenericFixed) datum).bytes();
        return lt instanceof LogicalTypes.Decimal d
            ? NODES.numberNode(new BigDecimal(new BigInteger(a), d.getScale())) : NODES.binaryNode(a.clone());
      }
      case INT:
        return NODES.numberNode((Integer) datum);
      case LONG: {
        long x = (Long) datum;
        if (lt instanceof LogicalTypes.TimestampMillis) return NODES.pojoNode(new AvroTime(x, false, false));
        if (lt instanceof LogicalTypes.TimestampMicros) return NODES.pojoNode(new AvroTime(x, true, false));
        if (lt instanceof LogicalTypes.LocalTimestampMillis) return NODES.pojoNode(new AvroTime(x, false, true));
        if (lt instanceof LogicalTypes.LocalTimestampMicros) return NODES.pojoNode(new AvroTime(x, true, true));
        return NODES.numberNode(x);
      }
      case FLOAT:
        return NODES.numberNode((Float) datum);
      case DOUBLE:
        return NODES.numberNode((Double) datum);
      case BOOLEAN:
        return NODES.booleanNode((Boolean) datum);
      default:
        return NullNode.getInstance();
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  static boolean isTimestamp(Schema s) {
    LogicalType lt = s.getLogicalType();
    return lt instanceof LogicalTypes.TimestampMillis || lt instanceof LogicalTypes.TimestampMicros
        || lt instanceof LogicalTypes.LocalTimestampMillis || lt instanceof LogicalTypes.LocalTimestampMicros;
  }

  static boolean isNullable(Schema s) {
    if (s.getType() == Schema.Type.NULL) return true;
    if (s.getType() != Schema.Type.UNION) return false;
    for (Schema b : s.getTypes()) {
      if (b.getType() == Schema.Type.NULL) return true;
    }
    return false;
  }

  private static String typeName(Schema s) {
    Schema t = EventSchemas.nonNull(s);
    LogicalType lt = t.getLogicalType();
    if (lt instanceof LogicalTypes.Decimal d) return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    if (lt != null) return lt.getName();
    return switch (t.getType()) {
      case RECORD, ENUM, FIXED -> t.getType().getName() + " " + t.getName();
      default -> t.getType().getName();
    };
  }

  private BadRecordException mismatch(String path, String expected, JsonNode v) {
    return new BadRecordException(where(path) + "expected " + expected + ", got " + describe(v));
  }

  private BadRecordException outOfRange(String path, String expected, JsonNode v) {
    return new BadRecordException(where(path) + "expected " + expected + ", got " + describe(v) + " (out of range)");
  }

  /** The offending value as the user wrote it: JSON text, or for Avro prefixed with its type. */
  String describe(JsonNode v) {
    boolean avro = style == Style.AVRO;
    if (v.isTextual()) return (avro ? "string " : "") + "\"" + abbreviate(v.textValue()) + "\"";
    if (v.isPojo()) return (avro ? "timestamp " : "") + ((POJONode) v).getPojo();
    if (v.isBoolean()) return (avro ? "boolean " : "") + v.asText();
    if (v.isNumber()) {
      String kind = v.isInt() ? "int" : v.isLong() ? "long" : v.isFloat() ? "float" : v.isDouble() ? "double"
          : v.isBigDecimal() ? "decimal" : "integer";
      return (avro ? kind + " " : "") + abbreviate(v.asText());
    }
    if (v.isBinary()) return "bytes";
    if (v.isObject()) return avro ? "a record or map" : "an object";
    if (v.isArray()) return "an array";
    return v.getNodeType().name().toLowerCase();
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  private static String where(String path) {
    return path.isEmpty() ? "" : "field '" + path + "': ";
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
