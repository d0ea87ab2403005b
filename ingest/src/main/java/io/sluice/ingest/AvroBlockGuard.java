package io.sluice.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Sits under Avro's {@code DataFileStream} and checks the container's block framing (record
 * count, byte size, data, 16-byte sync) against the file's length as the bytes pass. When a block
 * cannot be complete, the stream ends right before it and {@link #problem()} says why.
 *
 * <p>Why: {@code DataFileStream} treats end-of-file inside a block as a clean end, so a truncated
 * file would lose its tail silently; and it allocates whatever size a block declares, so one
 * corrupt size could ask for gigabytes. Ending before such a block makes Avro stop cleanly after the
 * last good block, and the reader quarantines the rest with this reason.
 */
final class AvroBlockGuard extends FilterInputStream {
  private static final int COUNT = 0;
  private static final int SIZE = 1;
  private static final int BODY = 2;
  private static final int SYNC = 16;

  private final long dataStart;
  private final long length;
  private long pos;
  private long cut = Long.MAX_VALUE;
  private String problem;
  private int state = COUNT;
  private long varint;
  private int shift;
  private long blockStart;
  private long bodyLeft;

  /**
   * @param dataStart where the first block starts, i.e. the header's length
   * @param length the file's length
   */
  AvroBlockGuard(InputStream in, long dataStart, long length) {
    super(in);
    this.dataStart = dataStart;
    this.length = length;
  }

  /** Why the stream ended early, or null if every block was complete. */
  String problem() {
    return problem;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos >= cut) {
      return -1;
    }
    int n = in.read(b, off, len);
    if (n < 0) {
      if (problem == null && pos >= dataStart && (state != COUNT || shift != 0)) {
        fail(blockStart, "the file ends inside the block starting at byte " + blockStart);
      } else if (problem == null && pos < dataStart) {
        fail(pos, "the file ends inside its header");
      }
      return -1;
    }
    long chunkStart = pos;
    scan(b, off, n);
    if (cut < chunkStart + n) {
      int keep = (int) Math.max(0, cut - chunkStart);
      return keep == 0 ? -1 : keep;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Through read(), so every byte is seen by the framing check.
    byte[] scratch = new byte[(int) Math.min(n, 8192)];
    long done = 0;
    while (done < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
      if (r < 0) break;
      done += r;
    }
    return done;
  }

  @Override
  public int available() throws IOException {
    return pos >= cut ? 0 : (int) Math.min(in.available(), cut - pos);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void scan(byte[] b, int off, int n) {
    int i = off;
    int end = off + n;
    while (i < end && problem == null) {
      if (pos < dataStart) {
        int skip = (int) Math.min(dataStart - pos, end - i);
        i += skip;
        pos += skip;
        continue;
      }
      if (state == BODY) {
        int skip = (int) Math.min(bodyLeft, end - i);
        i += skip;
        pos += skip;
        bodyLeft -= skip;
        if (bodyLeft == 0) {
          state = COUNT;
        }
        continue;
      }
      if (state == COUNT && shift == 0) {
        blockStart = pos;
      }
      int x = b[i++] & 0xFF;
      pos++;
      varint |= (long) (x & 0x7F) << shift;
      shift += 7;
      if ((x & 0x80) != 0) {
        if (shift > 63) {
          fail(blockStart, "the block at byte " + blockStart + " has a corrupt header");
        }
        continue;
      }
      long v = (varint >>> 1) ^ -(varint & 1);
      varint = 0;
      shift = 0;
      if (state == COUNT) {
        if (v < 0) {
          fail(blockStart, "the block at byte " + blockStart + " declares " + v + " records");
        }
        state = SIZE;
      } else {
        long remaining = length - pos;
        if (v < 0 || v > Integer.MAX_VALUE || v + SYNC > remaining) {
          fail(blockStart, "the block at byte " + blockStart + " declares " + v + " bytes but "
              + Math.max(0, remaining - SYNC) + " remain");
        }
        bodyLeft = v + SYNC;
        state = BODY;
      }
    }
  }

  private void fail(long at, String why) {
    if (problem == null) {
      problem = why;
      cut = at;
    }
  }
}
