package io.sluice.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into {@code \n}-terminated lines (a trailing {@code \r} is dropped) without
 * holding more than {@code maxBytes} of any line, so a multi-megabyte line or a newline-free binary
 * file cannot exhaust memory. Not thread-safe.
 */
final class BoundedLineReader {
  /**
   * One physical line.
   *
   * @param number 1-based line number
   * @param bytes the line, or when {@code oversized} its first {@code headBytes} bytes; valid up to {@code kept}
   * @param kept valid length of {@code bytes}
   * @param length full length of the line in bytes, without the line break
   * @param oversized whether the line was longer than {@code maxBytes}
   */
  record Line(long number, byte[] bytes, int kept, long length, boolean oversized) {}

  private final InputStream in;
  private final int maxBytes;
  private final int headBytes;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private long number;
  private byte[] line = new byte[256];

  BoundedLineReader(InputStream in, long maxBytes, int headBytes) {
    this.in = in;
    this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 32, maxBytes);
    this.headBytes = Math.min(headBytes, this.maxBytes);
  }

  /** The next line, or null at the end of the stream; its bytes are valid until the next call. */
  Line next() throws IOException {
    // One byte beyond the limit is buffered: a line of exactly maxBytes may still end with "\r\n".
    long cap = (long) maxBytes + 1;
    int kept = 0;
    long length = 0;
    boolean oversized = false;
    boolean terminated = false;
    while (!terminated) {
      if (pos == limit) {
        if (eof || !fill()) {
          break;
        }
      }
      int end = pos;
      while (end < limit && buf[end] != '\n') {
        end++;
      }
      int n = end - pos;
      length += n;
      if (!oversized && length > cap) {
        oversized = true;
        kept = Math.min(kept, headBytes);
      }
      long room = (oversized ? headBytes : cap) - kept;
      int copy = (int) Math.min(n, Math.max(room, 0));
      if (copy > 0) {
        ensure(kept + copy);
        System.arraycopy(buf, pos, line, kept, copy);
        kept += copy;
      }
      pos = end;
      if (end < limit) {
        pos++;   // the '\n'
        terminated = true;
      }
    }
    if (!terminated && length == 0) {
      return null;
    }
    number++;
    if (!oversized && kept > 0 && line[kept - 1] == '\r') {
      kept--;
      length--;
    }
    if (!oversized && length > maxBytes) {
      oversized = true;
      kept = Math.min(kept, headBytes);
    }
    return new Line(number, line, kept, length, oversized);
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  private void ensure(int size) {
    if (size > line.length) {
      line = Arrays.copyOf(line, (int) Math.min(Math.max(size, (long) line.length * 2), Integer.MAX_VALUE - 16));
    }
  }
}
