package io.sluice.ingest;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SourceFormat;
import io.sluice.core.spec.ValidationSpec;
import io.sluice.core.util.OrderedReads;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads landing files into records of the events-table schema
 * ({@link io.sluice.core.spec.EventSchemas#tableSchema}). Every record read ends up either in
 * {@link IngestResult#records()} or quarantined with a reason; one bad record never fails the batch
 * and one bad file never stops the others. Format rules are documented on {@link JsonLinesReader},
 * {@link CsvReader} and {@link AvroReader}; value conversion on {@link ValueConverter}.
 *
 * <p>Per file:
 *
 * <ul>
 *   <li>Bad content (a malformed line, a truncated Avro container) quarantines the affected
 *       records; the file's other records are kept.
 *   <li>A file that no longer exists (deleted between listing and reading) is reported as skipped
 *       with no records: it is gone, there is nothing to ingest or to quarantine.
 *   <li>Any other I/O failure of the filesystem (permissions, missing blocks, a dead datanode) is
 *       retried once after a pause (at most {@value #RETRY_BUDGET} retries per batch). If it fails
 *       again the batch fails with a {@link SluiceException} naming the file: nothing is committed,
 *       the checkpoint does not move, and the next run reads the file again. Quarantining or
 *       skipping readable data because storage hiccupped would lose it.
 *   <li>An unexpected error (a bug, not bad content and not I/O) fails the batch the same way,
 *       without retry, with its stack trace in the log.
 *   <li>A JSONL or CSV file whose name selects a Hadoop compression codec ({@code .gz}, {@code .bz2},
 *       {@code .deflate}, ...) is decompressed on the fly; line numbers count decompressed lines. A
 *       corrupt or truncated stream counts as an I/O failure: a file still being written is read
 *       whole on a later run, and nothing half-read is committed.
 * </ul>
 *
 * Files are read in parallel by {@code source.read-threads} threads (default: the machine's cores);
 * the result is the same as reading them one by one. Not thread-safe; use one instance per thread.
 */
public final class EventReader {
  private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);
  static final String VANISHED = "file vanished between listing and reading";
  static final int RETRY_BUDGET = 3;

  private final PipelineSpec spec;
  private final Schema userSchema;
  private final Configuration conf;
  private final CompressionCodecFactory codecs;
  private final TableRecords tables;
  private final int threads;
  private final int attempts;
  private final long retryPauseMillis;

  /**
   * @param userSchema the pipeline's event schema ({@code source.schema})
   * @param conf Hadoop configuration for the landing filesystem
   */
  public EventReader(PipelineSpec spec, Schema userSchema, Configuration conf) {
    this(spec, userSchema, conf, 2, 1000);
  }

  EventReader(PipelineSpec spec, Schema userSchema, Configuration conf, int attempts, long retryPauseMillis) {
    this.spec = spec;
    this.userSchema = userSchema;
    this.conf = conf;
    this.codecs = new CompressionCodecFactory(conf);
    this.attempts = attempts;
    this.retryPauseMillis = retryPauseMillis;
    this.tables = new TableRecords(userSchema, spec.table(), spec.source().validation());
    this.threads = spec.source().readThreads();
  }

  /** The format readers of one thread; their value converters keep per-file notes, so never shared. */
  private final class Formats {
    final ValueConverter asJson;
    final ValueConverter asAvro;
    final JsonLinesReader jsonl;
    final CsvReader csv;
    final AvroReader avro;

    Formats() {
      ValidationSpec rules = spec.source().validation();
      boolean lax = rules.allowUnknownFields();
      asJson = new ValueConverter(lax, ValueConverter.Style.JSON);
      asAvro = new ValueConverter(lax, ValueConverter.Style.AVRO);
      jsonl = new JsonLinesReader(userSchema, asJson, rules.maxRecordBytes());
      csv = new CsvReader(userSchema, asJson, rules.maxRecordBytes(), lax, spec.source().csv());
      avro = new AvroReader(userSchema, asAvro);
    }

    List<ValueConverter> converters() {
      return List.of(asJson, asAvro);
    }
  }

  /**
   * Reads {@code files}, up to {@code source.read-threads} at a time, and returns their records in
   * file order, so the result does not depend on the thread count; never throws for problems of a
   * single file or record.
   */
  public IngestResult read(List<LandingFile> files) {
    long t0 = System.nanoTime();
    List<GenericRecord> good = new ArrayList<>();
    List<QuarantinedRecord> bad = new ArrayList<>();
    List<FileReport> reports = new ArrayList<>();
    long deletes = 0;
    int skipped = 0;
    Map<String, Long> ignored = new TreeMap<>();
    for (Outcome o : readAll(files)) {
      FileReport r = o.sink.report(o.skipped);
      if (r.recordsIn() != r.good() + r.quarantined()) {
        throw new IllegalStateException("bug: " + r);
      }
      good.addAll(o.sink.good);
      bad.addAll(o.sink.bad);
      o.sink.ignored.forEach((k, n) -> ignored.merge(k, n, Long::sum));
      deletes += o.sink.deletes();
      skipped += o.skipped == null ? 0 : 1;
      reports.add(r);
    }
    IngestResult result = new IngestResult(good, bad, reports, deletes, ignored);
    LOG.info("{}: read {} files ({} skipped), {} records in = {} good ({} deletes) + {} quarantined, in {} ms",
        spec.name(), files.size(), skipped, result.recordsIn(), good.size(), deletes, bad.size(),
        (System.nanoTime() - t0) / 1_000_000);
    return result;
  }

  private record Outcome(FileSink sink, String skipped) {}

  /** Every file's outcome in file order; the first failing file, in file order, fails the batch. */
  private List<Outcome> readAll(List<LandingFile> files) {
    AtomicInteger retries = new AtomicInteger(RETRY_BUDGET);
    int n = Math.max(1, Math.min(threads, files.size()));
    // One Formats per reading thread: at most n files are read at once, so a free one is always there.
    Queue<Formats> idle = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < n; i++) {
      idle.add(new Formats());
    }
    List<Outcome> out = new ArrayList<>(files.size());
    OrderedReads.inOrder(files, n, f -> {
      Formats formats = idle.poll();
      try {
        return readOne(f, formats, retries);
      } finally {
        idle.add(formats);
      }
    }, out::add);
    return out;
  }

  /** @param retries retries left in this batch; decremented when one is used */
  private Outcome readOne(LandingFile f, Formats formats, AtomicInteger retries) {
    Exception failure = null;
    List<ValueConverter> converters = formats.converters();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      FileSink sink = new FileSink(f, tables);
      try {
        converters.forEach(ValueConverter::drainIgnored);   // a failed attempt's notes do not count
        readFile(f, formats, sink);
        converters.forEach(c -> c.drainIgnored().forEach((k, n) -> sink.ignored.merge(k, n, Long::sum)));
        LOG.debug("{}: {}", f.path(), sink.report(null));
        return new Outcome(sink, null);
      } catch (IOException | RuntimeException e) {
        IOException io = ioFailure(e);
        if (io == null) {
          // Format readers quarantine bad content themselves; anything else escaping is a bug: no retry.
          LOG.error("{}: unexpected error while reading; the file is skipped", f.path(), e);
          failure = e;
          break;
        }
        if (io instanceof FileNotFoundException && vanished(f)) {
          LOG.warn("{}: {}; skipped", f.path(), VANISHED);
          return new Outcome(new FileSink(f, tables), VANISHED);
        }
        failure = io;   // includes "not found" for a file that exists: local filesystems say so for permission denied
      }
      if (attempt < attempts && retries.getAndUpdate(r -> Math.max(0, r - 1)) > 0) {
        LOG.warn("{}: cannot read ({}); retrying in {} ms", f.path(), describe(failure), retryPauseMillis);
        if (!pause()) {
          break;
        }
      } else {
        break;
      }
    }
    throw new SluiceException("cannot read landing file " + f.path() + ": " + describe(failure)
        + "; nothing was committed and the next run retries it", failure);
  }

  private void readFile(LandingFile f, Formats formats, FileSink sink) throws IOException {
    Path p = new Path(f.path());
    FileSystem fs = p.getFileSystem(conf);
    FileStatus st = fs.getFileStatus(p);
    if (st.isDirectory()) {
      throw new IOException(f.path() + " is a directory");
    }
    if (st.getLen() != f.length() || st.getModificationTime() != f.modificationTime()) {
      LOG.warn("{} changed since it was listed (length {} -> {}, modified {} -> {}): is a writer still appending?"
          + " Write landing files under a name starting with _ or . and rename them when complete.",
          f.path(), f.length(), st.getLen(), f.modificationTime(), st.getModificationTime());
    }
    SourceFormat format = spec.source().format();
    try (FSDataInputStream raw = fs.open(p)) {
      if (format == SourceFormat.AVRO) {
        formats.avro.read(raw, st.getLen(), sink);
        return;
      }
      // Text files may be compressed; the codec comes from the name (.gz, .bz2, .deflate, ...), as in Hadoop's
      // TextInputFormat. A corrupt or truncated stream fails the run naming the file, and nothing is committed.
      CompressionCodec codec = codecs.getCodec(p);
      InputStream marked = LandingReadException.marking(raw);
      InputStream in = new BufferedInputStream(codec == null ? marked : codec.createInputStream(marked), 1 << 16);
      if (format == SourceFormat.CSV) {
        formats.csv.read(in, sink);
      } else {
        formats.jsonl.read(in, sink);
      }
    }
  }

  /** The filesystem failure behind {@code e}, or null when {@code e} is not one. */
  private static IOException ioFailure(Exception e) {
    LandingReadException marked = LandingReadException.find(e);
    if (marked != null) {
      return marked.getCause() instanceof IOException io ? io : marked;
    }
    return e instanceof IOException io ? io : null;
  }

  private boolean vanished(LandingFile f) {
    try {
      Path p = new Path(f.path());
      return !p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      return false;
    }
  }

  private boolean pause() {
    try {
      Thread.sleep(retryPauseMillis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String describe(Exception e) {
    if (e == null) {
      return "interrupted";
    }
    String m = e.getMessage();
    String type = e.getClass().getSimpleName();
    return m == null || m.isBlank() ? type : (e instanceof SluiceException ? m : type + ": " + firstLine(m));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
