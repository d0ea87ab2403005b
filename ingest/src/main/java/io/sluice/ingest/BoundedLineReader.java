package io.sluice.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines without ever holding more than {@code maxBytes} of one line, so a
 * multi-megabyte line or a newline-free binary file cannot exhaust memory. {@code \r\n} is accepted.
 */
final class BoundedLineReader {
  /** One physical line; {@code bytes} is null when the line exceeded the limit (then {@code head} keeps its start). */
  record Line(long number, byte[] bytes, long length, byte[] head) {
    boolean oversized() {
      return bytes == null;
    }
  }

  private final InputStream in;
  private final int maxBytes;
  private final int headBytes;
  private long number;
  private boolean eof;

  BoundedLineReader(InputStream in, long maxBytes, int headBytes) {
    this.in = in;
    this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
    this.headBytes = headBytes;
  }

  /** The next line, or null at end of stream. */
  Line next() throws IOException {
    if (eof) {
      return null;
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    long length = 0;
    boolean oversized = false;
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      length++;
      if (!oversized) {
        buf.write(b);
        if (buf.size() > maxBytes) {
          oversized = true;
          byte[] all = buf.toByteArray();
          buf.reset();
          buf.write(all, 0, Math.min(headBytes, all.length));
        }
      }
    }
    if (b == -1) {
      eof = true;
      if (length == 0) {
        return null;
      }
    }
    number++;
    byte[] bytes = buf.toByteArray();
    if (!oversized && bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
      bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
      length--;
    }
    return oversized ? new Line(number, null, length, bytes) : new Line(number, bytes, length, null);
  }
}
