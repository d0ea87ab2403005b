package io.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;

/**
 * Converts parsed values to the pipeline's Avro schema, strictly: JSON types must match (no string
 * "12" for an int), CSV text is parsed by the field's type, and Avro values from a file's writer
 * schema convert only where Avro's own promotion rules allow. Errors name the field path.
 */
final class ValueConverter {
  private final boolean allowUnknownFields;

  ValueConverter(boolean allowUnknownFields) {
    this.allowUnknownFields = allowUnknownFields;
  }

  // ---- JSON ----------------------------------------------------------------------------------

  GenericData.Record recordFromJson(JsonNode obj, Schema schema, String path) throws BadRecordException {
    if (!obj.isObject()) {
      throw new BadRecordException(where(path) + "expected a JSON object, got " + describe(obj));
    }
    if (!allowUnknownFields) {
      for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (schema.getField(name) == null) {
          throw new BadRecordException("unknown field '" + join(path, name) + "'");
        }
      }
    }
    GenericData.Record r = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      String fp = join(path, f.name());
      JsonNode v = obj.get(f.name());
      if (v == null) {
        r.put(f.pos(), missing(f, fp));
      } else {
        r.put(f.pos(), fromJson(v, f.schema(), fp));
      }
    }
    return r;
  }

  private Object missing(Schema.Field f, String path) throws BadRecordException {
    if (f.hasDefaultValue()) {
      return GenericData.get().getDefaultValue(f);
    }
    if (isNullable(f.schema())) {
      return null;
    }
    throw new BadRecordException("missing required field '" + path + "'");
  }

  Object fromJson(JsonNode v, Schema s, String path) throws BadRecordException {
    if (v.isNull()) {
      if (isNullable(s)) {
        return null;
      }
      throw new BadRecordException(where(path) + "null is not allowed (field is not nullable)");
    }
    Schema t = nonNull(s);
    switch (t.getType()) {
      case STRING:
        if (!v.isTextual()) throw mismatch(path, "string", v);
        return v.textValue();
      case BOOLEAN:
        if (!v.isBoolean()) throw mismatch(path, "boolean", v);
        return v.booleanValue();
      case INT:
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw mismatch(path, "int", v);
        return v.intValue();
      case LONG:
        if (isTimestamp(t) && v.isTextual()) {
          return timestampFromText(v.textValue(), t, path);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw mismatch(path, isTimestamp(t) ? "timestamp" : "long", v);
        return v.longValue();
      case FLOAT:
        if (!v.isNumber()) throw mismatch(path, "float", v);
        return v.floatValue();
      case DOUBLE:
        if (!v.isNumber()) throw mismatch(path, "double", v);
        return v.doubleValue();
      case ENUM:
        if (!v.isTextual()) throw mismatch(path, "enum", v);
        return enumSymbol(v.textValue(), t, path);
      case BYTES:
        if (!v.isTextual()) throw mismatch(path, "bytes (string)", v);
        return ByteBuffer.wrap(v.textValue().getBytes(StandardCharsets.ISO_8859_1));
      case RECORD:
        return recordFromJson(v, t, path);
      case ARRAY: {
        if (!v.isArray()) throw mismatch(path, "array", v);
        List<Object> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
          out.add(fromJson(v.get(i), t.getElementType(), path + "[" + i + "]"));
        }
        return new GenericData.Array<>(t, out);
      }
      case MAP: {
        if (!v.isObject()) throw mismatch(path, "map (object)", v);
        Map<String, Object> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          out.put(e.getKey(), fromJson(e.getValue(), t.getValueType(), path + "." + e.getKey()));
        }
        return out;
      }
      default:
        throw new BadRecordException(where(path) + "unsupported schema type " + t.getType());
    }
  }

  // ---- text (CSV) ----------------------------------------------------------------------------

  Object fromText(String text, Schema s, String path) throws BadRecordException {
    if (text == null) {
      if (isNullable(s)) return null;
      throw new BadRecordException(where(path) + "null is not allowed (field is not nullable)");
    }
    Schema t = nonNull(s);
    String x = text.trim();
    try {
      switch (t.getType()) {
        case STRING: return text;
        case BOOLEAN:
          if (x.equalsIgnoreCase("true")) return true;
          if (x.equalsIgnoreCase("false")) return false;
          throw new BadRecordException(where(path) + "expected boolean, got \"" + abbreviate(text) + "\"");
        case INT: return Integer.parseInt(x);
        case LONG:
          if (isTimestamp(t) && !x.matches("-?\\d+")) return timestampFromText(x, t, path);
          return Long.parseLong(x);
        case FLOAT: return Float.parseFloat(x);
        case DOUBLE: return Double.parseDouble(x);
        case ENUM: return enumSymbol(x, t, path);
        default: return fromJson(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(text), s, path);
      }
    } catch (NumberFormatException e) {
      throw new BadRecordException(where(path) + "expected " + t.getType().getName() + ", got \"" + abbreviate(text) + "\"");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRecordException(where(path) + "expected JSON for " + t.getType().getName() + ", got \"" + abbreviate(text) + "\"");
    }
  }

  // ---- Avro (writer schema → pipeline schema) -------------------------------------------------

  GenericData.Record recordFromAvro(IndexedRecord in, Schema schema, String path) throws BadRecordException {
    Schema writer = in.getSchema();
    if (!allowUnknownFields) {
      for (Schema.Field wf : writer.getFields()) {
        if (schema.getField(wf.name()) == null) {
          throw new BadRecordException("unknown field '" + join(path, wf.name()) + "'");
        }
      }
    }
    GenericData.Record r = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      String fp = join(path, f.name());
      Schema.Field wf = writer.getField(f.name());
      r.put(f.pos(), wf == null ? missing(f, fp) : fromAvro(in.get(wf.pos()), f.schema(), fp));
    }
    return r;
  }

  Object fromAvro(Object v, Schema s, String path) throws BadRecordException {
    if (v == null) {
      if (isNullable(s)) return null;
      throw new BadRecordException(where(path) + "null is not allowed (field is not nullable)");
    }
    Schema t = nonNull(s);
    switch (t.getType()) {
      case STRING:
        if (v instanceof CharSequence) return v.toString();
        if (v instanceof GenericEnumSymbol<?>) return v.toString();
        throw mismatchAvro(path, "string", v);
      case BOOLEAN:
        if (v instanceof Boolean) return v;
        throw mismatchAvro(path, "boolean", v);
      case INT:
        if (v instanceof Integer) return v;
        throw mismatchAvro(path, "int", v);
      case LONG:
        if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
        throw mismatchAvro(path, "long", v);
      case FLOAT:
        if (v instanceof Integer || v instanceof Long || v instanceof Float) return ((Number) v).floatValue();
        throw mismatchAvro(path, "float", v);
      case DOUBLE:
        if (v instanceof Number) return ((Number) v).doubleValue();
        throw mismatchAvro(path, "double", v);
      case ENUM:
        if (v instanceof CharSequence || v instanceof GenericEnumSymbol<?>) return enumSymbol(v.toString(), t, path);
        throw mismatchAvro(path, "enum", v);
      case BYTES:
        if (v instanceof ByteBuffer) return v;
        throw mismatchAvro(path, "bytes", v);
      case RECORD:
        if (v instanceof IndexedRecord ir) return recordFromAvro(ir, t, path);
        throw mismatchAvro(path, "record", v);
      case ARRAY: {
        if (!(v instanceof Collection<?> c)) throw mismatchAvro(path, "array", v);
        List<Object> out = new ArrayList<>(c.size());
        int i = 0;
        for (Object e : c) {
          out.add(fromAvro(e, t.getElementType(), path + "[" + i++ + "]"));
        }
        return new GenericData.Array<>(t, out);
      }
      case MAP: {
        if (!(v instanceof Map<?, ?> m)) throw mismatchAvro(path, "map", v);
        Map<String, Object> out = new HashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          out.put(e.getKey().toString(), fromAvro(e.getValue(), t.getValueType(), path + "." + e.getKey()));
        }
        return out;
      }
      default:
        throw new BadRecordException(where(path) + "unsupported schema type " + t.getType());
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Object enumSymbol(String sym, Schema t, String path) throws BadRecordException {
    if (!t.hasEnumSymbol(sym)) {
      throw new BadRecordException(where(path) + "'" + abbreviate(sym) + "' is not one of " + t.getEnumSymbols());
    }
    return new GenericData.EnumSymbol(t, sym);
  }

  static boolean isTimestamp(Schema t) {
    LogicalType lt = t.getLogicalType();
    return lt instanceof LogicalTypes.TimestampMillis || lt instanceof LogicalTypes.TimestampMicros;
  }

  private static long timestampFromText(String text, Schema t, String path) throws BadRecordException {
    Instant i;
    try {
      i = OffsetDateTime.parse(text.trim()).toInstant();
    } catch (DateTimeParseException e) {
      try {
        i = Instant.parse(text.trim());
      } catch (DateTimeParseException e2) {
        throw new BadRecordException(where(path) + "expected a timestamp (epoch number or ISO-8601 like"
            + " 2024-05-01T10:00:00Z), got \"" + abbreviate(text) + "\"");
      }
    }
    return t.getLogicalType() instanceof LogicalTypes.TimestampMicros
        ? Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000)
        : i.toEpochMilli();
  }

  static boolean isNullable(Schema s) {
    if (s.getType() == Schema.Type.NULL) return true;
    if (s.getType() != Schema.Type.UNION) return false;
    return s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
  }

  static Schema nonNull(Schema s) {
    return io.sluice.core.spec.EventSchemas.nonNull(s);
  }

  private static BadRecordException mismatch(String path, String expected, JsonNode v) {
    return new BadRecordException(where(path) + "expected " + expected + ", got " + describe(v));
  }

  private static BadRecordException mismatchAvro(String path, String expected, Object v) {
    String type = v instanceof Utf8 || v instanceof CharSequence ? "string \"" + abbreviate(v.toString()) + "\""
        : v instanceof GenericRecord ? "record" : v.getClass().getSimpleName().toLowerCase() + " " + abbreviate(String.valueOf(v));
    return new BadRecordException(where(path) + "expected " + expected + ", got " + type);
  }

  private static String describe(JsonNode v) {
    JsonNodeType t = v.getNodeType();
    return switch (t) {
      case STRING -> "\"" + abbreviate(v.textValue()) + "\"";
      case NUMBER, BOOLEAN -> abbreviate(v.toString());
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      default -> t.name().toLowerCase();
    };
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  private static String where(String path) {
    return path == null || path.isEmpty() ? "" : "field '" + path + "': ";
  }

  private static String join(String path, String name) {
    return path == null || path.isEmpty() ? name : path + "." + name;
  }
}
