package io.sluice.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An I/O failure of the filesystem while reading a landing file, as opposed to bad content.
 * Parsers wrap exceptions of their input (Avro in AvroRuntimeException, commons-csv in
 * UncheckedIOException); marking the filesystem's own failures lets the readers tell "this file is
 * corrupt" (quarantine what is left) from "this file could not be read" (the whole file fails).
 */
final class LandingReadException extends IOException {
  LandingReadException(IOException cause) {
    super(cause.getMessage(), cause);
  }

  /** The marked failure in {@code t}'s cause chain, or null. */
  static LandingReadException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof LandingReadException e) {
        return e;
      }
    }
    return null;
  }

  /** Wraps a filesystem stream so its read failures are marked. */
  static InputStream marking(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException e) {
          throw new LandingReadException(e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException e) {
          throw new LandingReadException(e);
        }
      }

      @Override
      public long skip(long n) throws IOException {
        try {
          return super.skip(n);
        } catch (IOException e) {
          throw new LandingReadException(e);
        }
      }
    };
  }
}
