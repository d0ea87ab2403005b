package io.sluice.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 helpers. */
final class Utf8 {
  private Utf8() {}

  static CharsetDecoder strictDecoder() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** Thrown for bytes that are not UTF-8; {@link #offset} is 0-based within the decoded bytes. */
  static final class InvalidUtf8 extends Exception {
    final long offset;

    InvalidUtf8(long offset) {
      super("invalid UTF-8 at byte " + offset, null, false, false);
      this.offset = offset;
    }
  }

  /** Decodes {@code bytes[from..to)} strictly; an error's offset counts from {@code bytes[0]}. */
  static String decode(CharsetDecoder dec, byte[] bytes, int from, int to) throws InvalidUtf8 {
    dec.reset();
    ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
    CharBuffer out = CharBuffer.allocate(to - from);
    CoderResult r = dec.decode(in, out, true);
    if (r.isError()) {
      throw new InvalidUtf8(in.position());
    }
    r = dec.flush(out);
    if (r.isError()) {
      throw new InvalidUtf8(in.position());
    }
    out.flip();
    return out.toString();
  }

  /** UTF-8 size of one UTF-16 unit; each half of a surrogate pair counts 2, the pair's 4 bytes. */
  static int length(char c) {
    if (c < 0x80) return 1;
    if (c < 0x800) return 2;
    return Character.isSurrogate(c) ? 2 : 3;
  }

  /** UTF-8 size of {@code s[from..to)}. */
  static long length(CharSequence s, int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      n += length(s.charAt(i));
    }
    return n;
  }
}
