package io.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.core.util.ByteSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * JSON Lines: one UTF-8 JSON object per {@code \n}-terminated line; blank lines are ignored and
 * not counted, a UTF-8 byte order mark on the first line is dropped. Lines longer than
 * max-record-bytes are quarantined without being buffered or parsed.
 */
final class JsonLinesReader {
  private static final Pattern LOCATION = Pattern.compile("\\s*\\(?(start marker )?at \\[Source: [^\\]]*\\]\\)?");
  private static final Pattern DUPLICATE = Pattern.compile("^(Duplicate field '.*') for `ObjectNode`.*$", Pattern.DOTALL);

  private final Schema schema;
  private final ValueConverter converter;
  private final ByteSize maxRecord;
  private final ObjectReader json;

  JsonLinesReader(Schema schema, ValueConverter converter, ByteSize maxRecord) {
    this.schema = schema;
    this.converter = converter;
    this.maxRecord = maxRecord;
    // Strings up to the record limit must parse; Jackson's default cap (20 MB) would otherwise reject them.
    int maxString = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(maxRecord.bytes(), 1));
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength(Math.max(maxString, StreamReadConstraints.DEFAULT_MAX_STRING_LEN)).build())
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();
    // Duplicate keys are caught where the tree is built (one check of the replaced value), not by the
    // parser's STRICT_DUPLICATE_DETECTION, which keeps a set of names per object: 10% of parsing.
    this.json = JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .build()
        .readerFor(JsonNode.class);
  }

  void read(InputStream in, FileSink sink) throws IOException {
    BoundedLineReader lines = new BoundedLineReader(in, maxRecord.bytes(), Raw.LIMIT);
    CharsetDecoder dec = Utf8.strictDecoder();
    BoundedLineReader.Line line;
    while ((line = lines.next()) != null) {
      int from = line.number() == 1 && hasBom(line) ? 3 : 0;
      if (line.oversized()) {
        sink.quarantineBounded(line.number(), Raw.of(line.bytes(), line.kept(), line.length()),
            "record of " + line.length() + " bytes exceeds max-record-bytes " + maxRecord);
        continue;
      }
      byte[] bytes = line.bytes();
      int to = line.kept();
      if (plainAscii(bytes, from, to)) {
        // Most lines: valid UTF-8 by construction, parsed from the bytes without a decoded copy.
        if (blank(bytes, from, to)) {
          continue;
        }
        int start = from;
        convert(line.number(), () -> json.readTree(bytes, start, to - start),
            () -> new String(bytes, start, to - start, StandardCharsets.ISO_8859_1), sink);
        continue;
      }
      String text;
      try {
        text = Utf8.decode(dec, line.bytes(), from, line.kept());
      } catch (Utf8.InvalidUtf8 e) {
        sink.quarantineBounded(line.number(), Raw.of(line.bytes(), line.kept(), line.length()), e.getMessage());
        continue;
      }
      if (text.isBlank()) {
        continue;
      }
      String raw = text;
      convert(line.number(), () -> json.readTree(raw), () -> raw, sink);
    }
  }

  private interface JsonParse {
    JsonNode parse() throws IOException;
  }

  /** Parses one line and converts it to a record, or quarantines it with the reason. */
  private void convert(long line, JsonParse parse, Supplier<String> raw, FileSink sink) throws IOException {
    try {
      sink.accept(line, raw, converter.record(parse.parse(), schema, ""));
    } catch (JsonProcessingException e) {
      sink.quarantine(line, raw.get(), "malformed JSON: " + jsonMessage(e));
    } catch (BadRecordException e) {
      sink.quarantine(line, raw.get(), e.getMessage());
    }
  }

  /** Bytes 0x01 to 0x7F only: ASCII without NUL, which Jackson's byte source could take for UTF-16 or UTF-32. */
  private static boolean plainAscii(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] <= 0) {
        return false;
      }
    }
    return true;
  }

  /** As {@link String#isBlank()} on the ASCII text. */
  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isWhitespace((char) b[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasBom(BoundedLineReader.Line l) {
    byte[] b = l.bytes();
    return l.kept() >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
  }

  /** Jackson's reason without source locations (the line number is already in the row). */
  static String jsonMessage(JsonProcessingException e) {
    if (e instanceof MismatchedInputException m && m.getOriginalMessage().startsWith("Trailing token")) {
      return "more than one JSON value on the line";
    }
    String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    msg = LOCATION.matcher(msg).replaceAll("");
    msg = DUPLICATE.matcher(msg).replaceFirst("$1");
    int nl = msg.indexOf('\n');
    return (nl < 0 ? msg : msg.substring(0, nl)).strip();
  }
}
