package io.sluice.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.util.Arrays;

/**
 * UTF-8 text of one file, handed to a parser as a {@link Reader}, that remembers what the parser's
 * records were made of: the text not yet {@linkplain #release released}, where line breaks are
 * (counted as commons-csv counts them: CR, LF, or CRLF once) and which characters replace invalid
 * UTF-8 (U+FFFD; decoding never fails). It can {@linkplain #rewind rewind} so a new parser resumes
 * after a malformed record, and it refuses to hold more than a limit of one unfinished record.
 * Positions are char offsets from the start of the text; a leading byte order mark is dropped.
 * Not thread-safe.
 */
final class TrackedText extends Reader {
  /** The parser asked for more text while {@code limit} chars of one record were pending. */
  static final class TooLong extends IOException {
    TooLong(long chars) {
      super("a record grew past " + chars + " chars", null);
    }
  }

  /** The first physical line from some position: {@code head} is its start, {@code end} the position after its line break. */
  record Line(String head, long bytes, long end, boolean eof) {}

  private final InputStream in;
  private final CharsetDecoder dec = Utf8.strictDecoder();
  private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
  private final CharBuffer chars = CharBuffer.allocate(1 << 16);
  private final StringBuilder text = new StringBuilder();
  private final long limit;
  private long textStart;      // position of text.charAt(0)
  private long base;           // released up to here
  private long readPos;        // next position handed to the parser
  private long guardFrom;      // start of the record being parsed, roughly
  private boolean started;
  private boolean inputEnded;
  private boolean done;
  private char last;
  private long eolCount;
  private final Longs eols = new Longs();   // starts of the last line breaks; the last one is number eolCount
  private final Longs bad = new Longs();    // positions of U+FFFD standing for invalid bytes

  TrackedText(InputStream in, long limit) {
    this.in = in;
    this.limit = limit;
    bytes.flip();
  }

  // ---- Reader ---------------------------------------------------------------------------------

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (readPos == end()) {
      if (!done && end() - guardFrom > limit) {
        throw new TooLong(limit);
      }
      if (!decodeMore()) {
        return -1;
      }
    }
    int n = (int) Math.min(len, end() - readPos);
    int from = (int) (readPos - textStart);
    text.getChars(from, from + n, cbuf, off);
    readPos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  // ---- what the parser read -------------------------------------------------------------------

  /** Position after the last decoded char. */
  long end() {
    return textStart + text.length();
  }

  /** The parser starts a record here: {@link TooLong} counts from it. */
  void guardFrom(long pos) {
    guardFrom = pos;
  }

  /** Forgets text before {@code pos}. */
  void release(long pos) {
    if (pos <= base) {
      return;
    }
    base = pos;
    while (eols.size() > 0 && eols.first() < pos) {
      eols.dropFirst();
    }
    while (bad.size() > 0 && bad.first() < pos) {
      bad.dropFirst();
    }
    // Compact lazily: deleting the prefix on every record would copy the read-ahead each time.
    int dead = (int) (base - textStart);
    if (dead > (1 << 16) && dead > text.length() / 2) {
      text.delete(0, dead);
      textStart = base;
    }
  }

  /** Makes the parser continue at {@code pos}, which must not be released. */
  void rewind(long pos) {
    if (pos < base || pos > end()) {
      throw new IllegalArgumentException("cannot rewind to " + pos + ", have " + base + ".." + end());
    }
    readPos = pos;
    guardFrom = pos;
    release(pos);
  }

  String text(long from, long to) {
    return text.substring((int) (from - textStart), (int) (to - textStart));
  }

  long utf8Length(long from, long to) {
    return Utf8.length(text, (int) (from - textStart), (int) (to - textStart));
  }

  /** Position of the first char in [from, to) that replaced invalid UTF-8, or -1. */
  long firstInvalid(long from, long to) {
    for (int i = 0; i < bad.size(); i++) {
      long p = bad.get(i);
      if (p >= to) break;
      if (p >= from) return p;
    }
    return -1;
  }

  /** Start of line break number {@code k} (1-based, whole text), or -1 if released or not yet decoded. */
  long eolStartIfKnown(long k) {
    long i = k - (eolCount - eols.size()) - 1;
    return i < 0 || i >= eols.size() ? -1 : eols.get((int) i);
  }

  /** Position after line break number {@code k}, decoding further if needed; -1 if the text ends first. */
  long eolEnd(long k) throws IOException {
    while (k > eolCount && decodeMore()) {
      // decode until the break is seen
    }
    long s = eolStartIfKnown(k);
    if (s < 0) {
      if (k > eolCount) return -1;
      throw new IllegalStateException("line break " + k + " was already released");
    }
    if (charAt(s) == '\r') {
      while (s + 1 >= end() && decodeMore()) {
        // need the char after CR
      }
      if (s + 1 < end() && charAt(s + 1) == '\n') {
        return s + 2;
      }
    }
    return s + 1;
  }

  /**
   * The physical line starting at {@code from} and ending with line break number {@code k}, keeping
   * at most {@code headChars} of it in memory however long it is; its text is released.
   */
  Line line(long from, long k, int headChars) throws IOException {
    String head = null;
    long total = 0;
    long counted = from;   // bytes of [from, counted) are in total and released
    while (k > eolCount) {
      if (head == null && end() - from >= headChars) {
        head = text(from, from + headChars);
      }
      if (head != null) {
        total += utf8Length(counted, end());
        counted = end();
        release(counted);
      }
      if (!decodeMore()) {
        break;
      }
    }
    boolean eof = k > eolCount;
    long lineEnd = eof ? end() : eolStartIfKnown(k);
    total += utf8Length(counted, lineEnd);
    if (head == null) {
      head = text(from, Math.min(lineEnd, from + headChars));
    }
    return new Line(head, total, eof ? end() : eolEnd(k), eof);
  }

  private char charAt(long pos) {
    return text.charAt((int) (pos - textStart));
  }

  // ---- decoding -------------------------------------------------------------------------------

  /** Decodes the next chunk; false when the text has ended. */
  private boolean decodeMore() throws IOException {
    if (done) {
      return false;
    }
    if (!started) {
      skipByteOrderMark();
    }
    chars.clear();
    while (true) {
      CoderResult r = dec.decode(bytes, chars, inputEnded);
      if (r.isError()) {
        if (!chars.hasRemaining()) {
          break;   // no room for the replacement: deliver what there is, decode it next time
        }
        bad.add(end() + chars.position());
        chars.put('\uFFFD');
        bytes.position(bytes.position() + r.length());
        continue;
      }
      if (r.isOverflow()) {
        break;
      }
      if (inputEnded) {
        dec.flush(chars);
        done = true;
        break;
      }
      if (chars.position() > 0) {
        break;
      }
      fill();
    }
    chars.flip();
    int n = chars.remaining();
    long pos = end();
    for (int i = 0; i < n; i++) {
      char c = chars.get(i);
      if (c == '\r' || (c == '\n' && last != '\r')) {
        eols.add(pos + i);
        eolCount++;
      }
      last = c;
    }
    text.append(chars);
    return n > 0 || !done;
  }

  private void fill() throws IOException {
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      inputEnded = true;
    } else {
      bytes.position(bytes.position() + n);
    }
    bytes.flip();
  }

  private void skipByteOrderMark() throws IOException {
    started = true;
    while (bytes.remaining() < 3 && !inputEnded) {
      fill();
    }
    if (bytes.remaining() >= 3 && (bytes.get(bytes.position()) & 0xFF) == 0xEF
        && (bytes.get(bytes.position() + 1) & 0xFF) == 0xBB && (bytes.get(bytes.position() + 2) & 0xFF) == 0xBF) {
      bytes.position(bytes.position() + 3);
    }
  }

  /** A queue of longs with random access. */
  private static final class Longs {
    private long[] a = new long[64];
    private int head;
    private int size;

    int size() {
      return size;
    }

    long first() {
      return a[head];
    }

    long get(int i) {
      return a[head + i];
    }

    void dropFirst() {
      head++;
      size--;
    }

    void add(long v) {
      if (head + size == a.length) {
        if (head > a.length / 2) {
          System.arraycopy(a, head, a, 0, size);
        } else {
          a = Arrays.copyOf(a, a.length * 2);
          System.arraycopy(a, head, a, 0, size);
        }
        head = 0;
      }
      a[head + size++] = v;
    }
  }
}
