package io.sluice.ingest;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.CsvOptions;
import io.sluice.core.util.ByteSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

/**
 * RFC 4180 CSV (commons-csv) whose first non-blank record is a header naming schema fields
 * (surrounding blanks ignored). Quoted fields may span lines; a row's line is the physical line it
 * starts on and its raw text is exactly what the file holds. An unquoted cell equal to the
 * null-value is null (a non-nullable field with a default then takes the default), a quoted one is
 * text. Blank lines are ignored and not counted.
 *
 * <p>A malformed row (e.g. text after a closing quote, a quote never closed) is quarantined as its
 * first physical line and parsing resumes on the next line, so one bad row costs one row. A row
 * longer than max-record-bytes is quarantined; memory stays bounded by about that size even when a
 * stray quote would make the rest of the file one field. Header problems (unknown or missing
 * columns, empty or duplicate names, invalid UTF-8) quarantine every row with the same reason.
 */
final class CsvReader {
  private static final Pattern LINE_PREFIX = Pattern.compile("^\\((start)?line \\d+\\)\\s*");
  /** Read-ahead of commons-csv's buffered reader, plus margin, on top of max-record-bytes. */
  private static final long GUARD_SLACK = 1 << 16;

  private final Schema schema;
  private final ValueConverter converter;
  private final ByteSize maxRecord;
  private final boolean allowUnknownFields;
  private final CSVFormat format;

  CsvReader(Schema schema, ValueConverter converter, ByteSize maxRecord, boolean allowUnknownFields, CsvOptions opts) {
    this.schema = schema;
    this.converter = converter;
    this.maxRecord = maxRecord;
    this.allowUnknownFields = allowUnknownFields;
    try {
      this.format = CSVFormat.RFC4180.builder()
          .setDelimiter(opts.delimiter())
          .setQuote('"')
          .setNullString(opts.nullValue())
          .setQuoteMode(QuoteMode.ALL_NON_NULL)   // parsing: only unquoted cells can be null
          .setIgnoreEmptyLines(false)             // keeps line numbers exact; blank rows are skipped below
          .setAllowMissingColumnNames(true)
          .setTrim(false)
          .build();
    } catch (IllegalArgumentException e) {
      throw new SluiceException("source.csv: " + e.getMessage() + "; choose another delimiter");
    }
  }

  void read(InputStream in, FileSink sink) throws IOException {
    new Pass(new TrackedText(in, maxRecord.bytes() + GUARD_SLACK), sink).run();
  }

  /** A record the parser returned whose end is known once the next one (or the end of text) is. */
  private record Pending(CSVRecord rec, long line, long linesAfter) {}

  /** One file. */
  private final class Pass {
    private final TrackedText text;
    private final FileSink sink;
    private Header header;
    private CSVParser parser;
    private Iterator<CSVRecord> records;
    private long lineBase;     // line breaks before the current parser's start
    private long cursorLine;   // line breaks up to the end of the last record returned
    private long cursor;       // where the next record starts, once `pending` is done

    Pass(TrackedText text, FileSink sink) {
      this.text = text;
      this.sink = sink;
    }

    void run() throws IOException {
      startParser(0);
      Pending pending = null;
      while (true) {
        CSVRecord rec;
        try {
          rec = records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException | IllegalStateException e) {
          IOException io = LandingReadException.find(e);
          if (io != null) {
            throw io;
          }
          if (pending != null) {
            // It is followed by text, so it ended with its last line break.
            finish(pending, text.eolEnd(pending.linesAfter()));
            pending = null;
          }
          if (!malformed(e)) {
            return;
          }
          continue;
        }
        if (rec == null) {
          if (pending != null) {
            finish(pending, text.end());
          }
          return;
        }
        long linesAfter = lineBase + parser.getCurrentLineNumber();
        if (pending != null) {
          finish(pending, rec.getCharacterPosition());
        }
        pending = new Pending(rec, cursorLine + 1, linesAfter);
        cursorLine = linesAfter;
        long eol = text.eolStartIfKnown(linesAfter);
        text.guardFrom(Math.max(rec.getCharacterPosition(), eol + 1));
      }
    }

    private void startParser(long at) throws IOException {
      parser = new CSVParser(text, format, at, 0);
      records = parser.iterator();
      cursor = at;
    }

    /**
     * Quarantines the malformed record starting at the cursor as its first physical line and
     * resumes after it; false when the file cannot be read further.
     */
    private boolean malformed(RuntimeException e) throws IOException {
      long line = cursorLine + 1;
      TrackedText.Line l = text.line(cursor, line, Raw.LIMIT);
      String reason = e.getCause() instanceof TrackedText.TooLong
          ? "record of more than " + maxRecord.bytes() + " bytes exceeds max-record-bytes " + maxRecord
              + " (is a quote left open?)"
          : "malformed CSV: " + csvMessage(e);
      if (header == null) {
        sink.quarantineBounded(line, Raw.of(l.head(), l.bytes()), "malformed CSV header: "
            + reason.replaceFirst("^malformed CSV: ", "") + "; the file was not read");
        return false;
      }
      sink.quarantineBounded(line, Raw.of(l.head(), l.bytes()), reason);
      if (l.eof()) {
        return false;
      }
      text.rewind(l.end());
      lineBase = line;
      cursorLine = line;
      startParser(l.end());
      return true;
    }

    /** Handles a record that spans [rec start, end). */
    private void finish(Pending p, long end) {
      long start = p.rec().getCharacterPosition();
      long bodyEnd = withoutLineBreak(start, end);
      String raw = text.text(start, bodyEnd);
      long bytes = text.utf8Length(start, bodyEnd);
      long invalid = text.firstInvalid(start, bodyEnd);
      long invalidAt = invalid < 0 ? -1 : text.utf8Length(start, invalid);
      text.release(end);
      cursor = end;
      if (raw.isBlank()) {
        return;
      }
      if (header == null) {
        header = new Header(p.rec().toList(), bytes, invalidAt);
        return;
      }
      long line = p.line();
      if (bytes > maxRecord.bytes()) {
        sink.quarantine(line, raw, "record of " + bytes + " bytes exceeds max-record-bytes " + maxRecord);
      } else if (invalidAt >= 0) {
        sink.quarantine(line, raw, "invalid UTF-8 at byte " + invalidAt);
      } else if (header.problem != null) {
        sink.quarantine(line, raw, header.problem);
      } else if (p.rec().size() != header.columns.length) {
        sink.quarantine(line, raw, "CSV row has " + p.rec().size() + " values, header has " + header.columns.length);
      } else {
        try {
          sink.accept(line, () -> raw, header.convert(p.rec()));
        } catch (BadRecordException e) {
          sink.quarantine(line, raw, e.getMessage());
        }
      }
    }

    private long withoutLineBreak(long start, long end) {
      String tail = text.text(Math.max(start, end - 2), end);
      if (tail.endsWith("\r\n")) return end - 2;
      if (tail.endsWith("\n") || tail.endsWith("\r")) return end - 1;
      return end;
    }
  }

  /** Maps columns to schema fields; {@code problem}, when set, quarantines every row. */
  private final class Header {
    final Schema.Field[] columns;
    final List<Schema.Field> absent = new ArrayList<>();
    /** Columns the schema does not know, dropped from every row under allow-unknown-fields. */
    final List<String> dropped = new ArrayList<>();
    final String problem;

    Header(List<String> names, long bytes, long invalidAt) {
      columns = new Schema.Field[names.size()];
      List<String> problems = new ArrayList<>();
      if (bytes > maxRecord.bytes()) {
        problems.add("CSV header of " + bytes + " bytes exceeds max-record-bytes " + maxRecord);
      }
      if (invalidAt >= 0) {
        problems.add("CSV header has invalid UTF-8 at byte " + invalidAt);
      }
      Map<String, Integer> seen = new HashMap<>();
      Set<String> present = new HashSet<>();
      List<String> unknown = new ArrayList<>();
      for (int i = 0; i < columns.length; i++) {
        String name = names.get(i) == null ? "" : names.get(i).strip();
        if (name.isEmpty()) {
          problems.add("CSV header column " + (i + 1) + " has no name");
          continue;
        }
        Integer before = seen.putIfAbsent(name, i + 1);
        if (before != null) {
          problems.add("CSV header names column '" + name + "' twice (columns " + before + " and " + (i + 1) + ")");
          continue;
        }
        columns[i] = ValueConverter.field(schema, name);
        if (columns[i] == null) {
          unknown.add("'" + name + "' (CSV column " + (i + 1) + ")");
          dropped.add(name);
        } else if (!present.add(columns[i].name())) {
          problems.add("CSV header names field '" + columns[i].name() + "' twice (column " + (i + 1) + ")");
        }
      }
      if (!unknown.isEmpty() && !allowUnknownFields) {
        problems.add((unknown.size() == 1 ? "unknown field " : "unknown fields ") + String.join(", ", unknown));
      }
      for (Schema.Field f : schema.getFields()) {
        if (!present.contains(f.name())) {
          absent.add(f);
          if (!f.hasDefaultValue() && !ValueConverter.isNullable(f.schema())) {
            problems.add("missing required field '" + f.name() + "' (no such CSV column)");
          }
        }
      }
      problem = problems.isEmpty() ? null : String.join("; ", problems);
    }

    GenericData.Record convert(CSVRecord rec) throws BadRecordException {
      GenericData.Record r = new GenericData.Record(schema);
      for (int i = 0; i < columns.length; i++) {
        Schema.Field f = columns[i];
        if (f == null) {
          continue;
        }
        String cell = rec.get(i);
        // A null cell is how CSV says "absent": a non-nullable field with a default gets the default.
        r.put(f.pos(), cell == null && f.hasDefaultValue() && !ValueConverter.isNullable(f.schema())
            ? converter.missing(f, f.name()) : converter.fromText(cell, f.schema(), f.name()));
      }
      for (Schema.Field f : absent) {
        r.put(f.pos(), converter.missing(f, f.name()));
      }
      dropped.forEach(converter::ignored);
      return r;
    }
  }

  /** commons-csv's reason without its own line number (the row has the right one). */
  private static String csvMessage(RuntimeException e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    msg = LINE_PREFIX.matcher(msg).replaceFirst("");
    if (msg.startsWith("EOF reached before encapsulated token finished")) {
      return "a quoted field is never closed";
    }
    return msg;
  }
}
