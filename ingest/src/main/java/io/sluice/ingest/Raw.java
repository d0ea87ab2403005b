package io.sluice.ingest;

import java.nio.charset.StandardCharsets;

/** The {@code raw} column of quarantined records: bounded, always valid text. */
final class Raw {
  /** At most this many UTF-8 bytes of a record are kept. */
  static final int LIMIT = 64 * 1024;

  private Raw() {}

  /** {@code text} cut to {@link #LIMIT} bytes; {@code totalBytes} is the record's full size, which may exceed the text. */
  static String of(String text, long totalBytes) {
    int keep = prefixWithin(text, LIMIT);
    long kept = Utf8.length(text, 0, keep);
    long total = Math.max(totalBytes, Utf8.length(text, 0, text.length()));
    return total <= kept ? text.substring(0, keep) : text.substring(0, keep) + "…[truncated " + (total - kept) + " bytes]";
  }

  static String of(String text) {
    return of(text, 0);
  }

  /**
   * The first bytes of a record, decoded leniently (invalid UTF-8 becomes U+FFFD).
   *
   * @param totalBytes the record's full size; {@code head} may hold only its start
   */
  static String of(byte[] head, int headLength, long totalBytes) {
    String s = new String(head, 0, Math.min(headLength, LIMIT), StandardCharsets.UTF_8);
    long kept = Math.min(headLength, LIMIT);
    if (totalBytes <= kept) {
      return s;
    }
    // Cutting inside a multi-byte character leaves U+FFFD at the end: harmless for a preview.
    return s + "…[truncated " + (totalBytes - kept) + " bytes]";
  }

  /** Number of chars of {@code s} whose UTF-8 encoding fits in {@code maxBytes}, not splitting surrogate pairs. */
  private static int prefixWithin(String s, int maxBytes) {
    long bytes = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int n = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
      long b = n == 2 ? 4 : Utf8.length(c);
      if (bytes + b > maxBytes) {
        break;
      }
      bytes += b;
      i += n;
    }
    return i;
  }
}
