package io.sluice.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PartitionGrain;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SourceFormat;
import io.sluice.core.spec.TableSpec;
import io.sluice.core.spec.ValidationSpec;
import io.sluice.core.util.ByteSize;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads landing files into records of the events table schema. Every record read ends up either in
 * the result or quarantined with a reason; one bad record never fails the batch and one bad file
 * never stops the others. Data errors (bad lines, a corrupt Avro file) are quarantined; I/O errors
 * of the filesystem fail the batch, since quarantining readable data would lose it. A file that
 * vanished between listing and reading is reported as skipped.
 */
public final class EventReader {
  private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);
  static final int RAW_LIMIT = 64 * 1024;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final PipelineSpec spec;
  private final Schema userSchema;
  private final Schema tableSchema;
  private final Configuration conf;
  private final ValueConverter converter;
  private final ValidationSpec rules;

  public EventReader(PipelineSpec spec, Schema userSchema, Configuration conf) {
    this.spec = spec;
    this.userSchema = userSchema;
    this.tableSchema = EventSchemas.tableSchema(userSchema, spec.table());
    this.conf = conf;
    this.rules = spec.source().validation();
    this.converter = new ValueConverter(rules.allowUnknownFields());
  }

  public IngestResult read(List<LandingFile> files) {
    long t0 = System.nanoTime();
    List<GenericRecord> good = new ArrayList<>();
    List<QuarantinedRecord> bad = new ArrayList<>();
    List<FileReport> reports = new ArrayList<>();
    long[] deletes = {0};
    for (LandingFile f : files) {
      int g0 = good.size();
      int b0 = bad.size();
      String skipped = null;
      FileSink sink = new FileSink(f, good, bad, deletes);
      try {
        readFile(f, sink);
      } catch (FileNotFoundException e) {
        skipped = "file vanished between listing and reading";
        LOG.warn("{}: {}; skipped", f.path(), skipped);
        // Anything read before it vanished stays consistent: drop it, the file no longer exists.
        good.subList(g0, good.size()).clear();
        bad.subList(b0, bad.size()).clear();
      } catch (IOException e) {
        throw new SluiceException("cannot read landing file " + f.path() + ": " + e.getMessage()
            + "; nothing was committed, the next run retries it", e);
      }
      reports.add(new FileReport(f.path(), (good.size() - g0) + (bad.size() - b0), good.size() - g0, bad.size() - b0, skipped));
    }
    IngestResult r = new IngestResult(good, bad, reports, deletes[0]);
    LOG.info("{}: read {} files, {} records in = {} good ({} deletes) + {} quarantined in {} ms", spec.name(),
        files.size(), r.recordsIn(), good.size(), deletes[0], bad.size(), (System.nanoTime() - t0) / 1_000_000);
    return r;
  }

  private void readFile(LandingFile f, FileSink sink) throws IOException {
    Path p = new Path(f.path());
    FileSystem fs = p.getFileSystem(conf);
    SourceFormat format = spec.source().format();
    try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 16)) {
      switch (format) {
        case JSONL -> readJsonLines(in, sink);
        case CSV -> readCsv(in, sink);
        case AVRO -> readAvro(in, sink, tail(fs, p, f.length()));
      }
    }
  }

  private void readJsonLines(InputStream in, FileSink sink) throws IOException {
    ByteSize max = rules.maxRecordBytes();
    BoundedLineReader lines = new BoundedLineReader(in, max.bytes(), RAW_LIMIT);
    BoundedLineReader.Line line;
    while ((line = lines.next()) != null) {
      if (line.oversized()) {
        sink.quarantine(line.number(), rawOf(line.head(), line.length()),
            "record of " + line.length() + " bytes exceeds max-record-bytes " + max);
        continue;
      }
      String text;
      try {
        text = decodeUtf8(line.bytes());
      } catch (CharacterCodingException e) {
        sink.quarantine(line.number(), rawOf(line.bytes(), line.length()), e.getMessage());
        continue;
      }
      if (text.isBlank()) {
        continue;
      }
      try {
        JsonNode node = JSON.readTree(text);
        sink.accept(line.number(), text, converter.recordFromJson(node, userSchema, ""));
      } catch (JsonProcessingException e) {
        sink.quarantine(line.number(), text, "malformed JSON: " + e.getOriginalMessage());
      } catch (BadRecordException e) {
        sink.quarantine(line.number(), text, e.getMessage());
      }
    }
  }

  private void readCsv(InputStream in, FileSink sink) throws IOException {
    CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    var opts = spec.source().csv();
    CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(opts.delimiter()).setHeader()
        .setSkipHeaderRecord(true).setIgnoreEmptyLines(true).setNullString(opts.nullValue()).build();
    long lastLine = 1;
    try (Reader r = new InputStreamReader(in, dec); CSVParser parser = format.parse(r)) {
      List<String> header = parser.getHeaderNames();
      Iterator<CSVRecord> it = parser.iterator();
      while (it.hasNext()) {
        CSVRecord rec;
        try {
          rec = it.next();
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          if (cause instanceof CharacterCodingException) {
            throw (CharacterCodingException) cause;
          }
          sink.quarantine(lastLine + 1, "", "unparseable CSV after line " + lastLine + ": " + cause.getMessage()
              + "; rest of the file not read");
          return;
        }
        long line = rec.getRecordNumber() + 1;
        lastLine = line;
        String raw = String.join(String.valueOf(opts.delimiter()), rec.toList());
        if (rec.size() != header.size()) {
          sink.quarantine(line, raw, "CSV row has " + rec.size() + " values, header has " + header.size());
          continue;
        }
        try {
          sink.accept(line, raw, csvRecord(header, rec));
        } catch (BadRecordException e) {
          sink.quarantine(line, raw, e.getMessage());
        }
      }
    } catch (CharacterCodingException e) {
      sink.quarantine(lastLine + 1, "", "invalid UTF-8 after line " + lastLine + "; rest of the file not read");
    }
  }

  private GenericData.Record csvRecord(List<String> header, CSVRecord rec) throws BadRecordException {
    GenericData.Record r = new GenericData.Record(userSchema);
    boolean[] seen = new boolean[userSchema.getFields().size()];
    for (int i = 0; i < header.size(); i++) {
      String col = header.get(i);
      Schema.Field f = userSchema.getField(col);
      if (f == null) {
        if (rules.allowUnknownFields()) continue;
        throw new BadRecordException("unknown field '" + col + "' (CSV column " + (i + 1) + ")");
      }
      r.put(f.pos(), converter.fromText(rec.get(i), f.schema(), f.name()));
      seen[f.pos()] = true;
    }
    for (Schema.Field f : userSchema.getFields()) {
      if (!seen[f.pos()]) {
        if (f.hasDefaultValue()) {
          r.put(f.pos(), GenericData.get().getDefaultValue(f));
        } else if (ValueConverter.isNullable(f.schema())) {
          r.put(f.pos(), null);
        } else {
          throw new BadRecordException("missing required field '" + f.name() + "' (no such CSV column)");
        }
      }
    }
    return r;
  }

  private static byte[] tail(FileSystem fs, Path p, long length) throws IOException {
    if (length < 16) {
      return new byte[0];
    }
    byte[] b = new byte[16];
    try (var in = fs.open(p)) {
      in.readFully(length - 16, b);
    }
    return b;
  }

  /** The sync marker ending an Avro container's header; a complete file also ends with it. */
  private static byte[] headerSync(byte[] head) {
    try {
      var dec = org.apache.avro.io.DecoderFactory.get().binaryDecoder(head, null);
      byte[] magic = new byte[4];
      dec.readFixed(magic);
      for (long n = dec.readMapStart(); n != 0; n = dec.mapNext()) {
        for (long i = 0; i < n; i++) {
          dec.skipString();
          dec.skipBytes();
        }
      }
      byte[] sync = new byte[16];
      dec.readFixed(sync);
      return sync;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void readAvro(InputStream in, FileSink sink, byte[] tail) throws IOException {
    in.mark(1 << 16);
    byte[] head = in.readNBytes(1 << 16);
    in.reset();
    DataFileStream<GenericRecord> stream;
    try {
      stream = new DataFileStream<>(in, new GenericDatumReader<>());
    } catch (IOException | AvroRuntimeException e) {
      if (e instanceof FileNotFoundException) throw (FileNotFoundException) e;
      sink.quarantine(0, "", "not an Avro container file: " + e.getMessage());
      return;
    }
    // DataFileStream treats an EOF inside a block as the end of the file, so check the ending ourselves.
    byte[] sync = headerSync(head);
    boolean complete = sync != null && java.util.Arrays.equals(sync, tail);
    long n = 0;
    try (stream) {
      while (true) {
        GenericRecord rec;
        try {
          if (!stream.hasNext()) break;
          rec = stream.next();
        } catch (AvroRuntimeException e) {
          sink.quarantine(n + 1, "", "corrupt or truncated Avro file after record " + n + ": " + message(e)
              + "; rest of the file not read");
          return;
        }
        n++;
        String raw = GenericData.get().toString(rec);
        try {
          sink.accept(n, raw, converter.recordFromAvro(rec, userSchema, ""));
        } catch (BadRecordException e) {
          sink.quarantine(n, raw, e.getMessage());
        }
      }
    }
    if (!complete) {
      sink.quarantine(n + 1, "", "corrupt or truncated Avro file after record " + n
          + ": it does not end with its sync marker; rest of the file not read");
    }
  }

  private static String message(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult res = dec.decode(in, out, true);
    if (res.isError()) {
      throw new CharacterCodingException() {
        @Override
        public String getMessage() {
          return "invalid UTF-8 at byte " + in.position();
        }
      };
    }
    dec.flush(out);
    out.flip();
    return out.toString();
  }

  private static String rawOf(byte[] bytes, long totalLength) {
    String s = new String(bytes, 0, Math.min(bytes.length, RAW_LIMIT), StandardCharsets.UTF_8);
    return truncate(s, totalLength);
  }

  static String truncate(String raw, long totalBytes) {
    if (raw.length() <= RAW_LIMIT && totalBytes <= RAW_LIMIT) {
      return raw;
    }
    String head = raw.length() > RAW_LIMIT ? raw.substring(0, RAW_LIMIT) : raw;
    long rest = Math.max(0, totalBytes - head.getBytes(StandardCharsets.UTF_8).length);
    return head + "…[truncated " + rest + " bytes]";
  }

  /** Adds Sluice's columns to valid records, applies record-level rules, and keeps the counts. */
  private final class FileSink {
    private final LandingFile file;
    private final List<GenericRecord> good;
    private final List<QuarantinedRecord> bad;
    private final long[] deletes;
    private final TableSpec table = spec.table();

    FileSink(LandingFile file, List<GenericRecord> good, List<QuarantinedRecord> bad, long[] deletes) {
      this.file = file;
      this.good = good;
      this.bad = bad;
      this.deletes = deletes;
    }

    void quarantine(long line, String raw, String error) {
      bad.add(new QuarantinedRecord(file.path(), line, truncate(raw, raw.length()), error, file.modificationTime()));
    }

    void accept(long line, String raw, GenericData.Record user) {
      for (String k : table.recordKey()) {
        if (user.get(k) == null) {
          quarantine(line, raw, "record key field '" + k + "' is null");
          return;
        }
      }
      Object ts = user.get(table.eventTimeField());
      if (ts == null) {
        quarantine(line, raw, "event-time field '" + table.eventTimeField() + "' is null");
        return;
      }
      if (user.get(table.orderingField()) == null) {
        quarantine(line, raw, "ordering field '" + table.orderingField() + "' is null");
        return;
      }
      long millis = EventSchemas.eventTimeMillis(userSchema, table.eventTimeField(), ts);
      if (millis < rules.minEventTime().toEpochMilli()) {
        quarantine(line, raw, table.eventTimeField() + " " + Instant.ofEpochMilli(millis) + " is before min-event-time "
            + rules.minEventTime());
        return;
      }
      long latest = file.modificationTime() + rules.maxFutureSkew().toMillis();
      if (millis > latest) {
        quarantine(line, raw, table.eventTimeField() + " " + Instant.ofEpochMilli(millis) + " is more than "
            + io.sluice.core.util.Durations.format(rules.maxFutureSkew()) + " after arrival "
            + Instant.ofEpochMilli(file.modificationTime()));
        return;
      }
      GenericData.Record r = new GenericData.Record(tableSchema);
      for (Schema.Field f : userSchema.getFields()) {
        r.put(f.name(), user.get(f.pos()));
      }
      boolean deleted = table.deleteField() != null && Boolean.TRUE.equals(user.get(table.deleteField()));
      r.put(EventSchemas.INGESTED_AT, file.modificationTime());
      r.put(EventSchemas.SOURCE_FILE, file.path());
      r.put(EventSchemas.IS_DELETED, deleted);
      r.put(EventSchemas.DT, EventSchemas.day(millis));
      if (table.partitionGrain() == PartitionGrain.HOUR) {
        r.put(EventSchemas.HR, EventSchemas.hour(millis));
      }
      if (deleted) {
        deletes[0]++;
      }
      good.add(r);
    }
  }

}
