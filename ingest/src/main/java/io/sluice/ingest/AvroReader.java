package io.sluice.ingest;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * Avro object container files, read with their own writer schema and converted field by field
 * like JSON (see {@link ValueConverter}), so a file written with an incompatible schema is
 * quarantined record by record with the field at fault. A zero-length file has no records. A file
 * that is not Avro, or whose header is unreadable (e.g. an unsupported codec), is one quarantined
 * record at line 0. A truncated or corrupt file keeps the records before the damage and adds one
 * quarantined record at the ordinal where reading stopped. Record sizes are bounded by the writer's
 * blocks, so max-record-bytes does not apply.
 */
final class AvroReader {
  private final Schema schema;
  private final ValueConverter converter;

  AvroReader(Schema schema, ValueConverter converter) {
    this.schema = schema;
    this.converter = converter;
  }

  void read(FSDataInputStream in, long length, FileSink sink) throws IOException {
    if (length == 0) {
      return;
    }
    long headerLength;
    try {
      headerLength = headerLength(new BufferedInputStream(LandingReadException.marking(in), 8192));
    } catch (NotAvro e) {
      sink.quarantine(0, "", "not an Avro container file: " + e.getMessage());
      return;
    } catch (BadHeader e) {
      sink.quarantine(0, "", "corrupt Avro container header: " + e.getMessage());
      return;
    }
    in.seek(0);
    AvroBlockGuard guard = new AvroBlockGuard(
        new BufferedInputStream(LandingReadException.marking(in), 1 << 16), headerLength, length);
    DataFileStream<GenericRecord> stream;
    try {
      stream = new DataFileStream<>(guard, new GenericDatumReader<>());
    } catch (IOException | RuntimeException e) {
      rethrowIfIo(e);
      sink.quarantine(0, "", "unreadable Avro container header: " + message(e));
      return;
    }
    long n = 0;
    try (stream) {
      while (true) {
        GenericRecord rec;
        try {
          if (!stream.hasNext()) {
            break;
          }
          rec = stream.next();
        } catch (RuntimeException e) {
          // AvroRuntimeException for framing, anything from decoding garbage inside a block
          rethrowIfIo(e);
          // Past a short block Avro can fail in odd ways (e.g. a NullPointerException); the guard knows why.
          String why = guard.problem() != null ? "truncated or corrupt Avro file after record " + n + ": " + guard.problem()
              : "corrupt Avro file after record " + n + ": " + message(e);
          sink.quarantine(n + 1, "", why + "; the rest of the file was not read");
          return;
        }
        n++;
        GenericRecord r = rec;
        try {
          sink.accept(n, () -> render(r),
              converter.record(ValueConverter.avroToNode(rec, rec.getSchema()), schema, ""));
        } catch (BadRecordException e) {
          sink.quarantine(n, render(rec), e.getMessage());
        }
      }
    }
    if (guard.problem() != null) {   // Avro took the early end for the end of the file
      sink.quarantine(n + 1, "", "truncated or corrupt Avro file after record " + n + ": " + guard.problem()
          + "; the rest of the file was not read");
    }
  }

  private static String render(GenericRecord r) {
    try {
      return GenericData.get().toString(r);
    } catch (RuntimeException e) {
      return String.valueOf(r.getSchema().getFullName()) + " (cannot render: " + message(e) + ")";
    }
  }

  /** Reads the container header (magic, metadata, sync marker) and returns its length in bytes. */
  static long headerLength(InputStream in) throws IOException, NotAvro, BadHeader {
    Counting c = new Counting(in);
    BinaryDecoder d = DecoderFactory.get().directBinaryDecoder(c, null);
    byte[] magic = new byte[DataFileConstants.MAGIC.length];
    try {
      d.readFixed(magic);
    } catch (EOFException e) {
      throw new NotAvro("it is only " + c.count + " bytes long");
    }
    if (!Arrays.equals(magic, DataFileConstants.MAGIC)) {
      throw new NotAvro("it does not start with the Avro magic bytes 'Obj' 0x01");
    }
    try {
      for (long n = d.readMapStart(); n != 0; n = d.mapNext()) {
        for (long i = 0; i < n; i++) {
          d.skipString();
          d.skipBytes();
        }
      }
      d.readFixed(new byte[DataFileConstants.SYNC_SIZE]);
    } catch (LandingReadException e) {
      throw e;
    } catch (EOFException e) {
      throw new BadHeader("the file ends inside its header (truncated?)");
    } catch (IOException | RuntimeException e) {
      rethrowIfIo(e);
      throw new BadHeader(message(e));
    }
    return c.count;
  }

  private static void rethrowIfIo(Exception e) throws LandingReadException {
    LandingReadException io = LandingReadException.find(e);
    if (io != null) {
      throw io;
    }
  }

  private static String message(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c && c.getMessage() != null
        && c.getMessage().equals(String.valueOf(c.getCause()))) {
      c = c.getCause();   // AvroRuntimeException(IOException) repeats the cause as its message
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  static final class NotAvro extends Exception {
    NotAvro(String m) {
      super(m, null, false, false);
    }
  }

  static final class BadHeader extends Exception {
    BadHeader(String m) {
      super(m, null, false, false);
    }
  }

  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }
  }
}
