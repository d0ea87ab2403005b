package io.sluice.core.util;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size in bytes written as {@code 512m}, {@code 1g}, {@code 64KB} or a plain number. */
public record ByteSize(long bytes) {
  private static final Pattern P = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("size must not be negative: " + bytes);
    }
  }

  public static ByteSize parse(String text) {
    Matcher m = P.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 64m, 1g or 1048576");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long mult = switch (unit.charAt(0)) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      case 't' -> 1L << 40;
      default -> 1L;
    };
    return new ByteSize(Math.multiplyExact(n, mult));
  }

  public static ByteSize ofMegabytes(long mb) {
    return new ByteSize(mb << 20);
  }

  @Override
  public String toString() {
    if (bytes % (1L << 30) == 0 && bytes != 0) return (bytes >> 30) + "g";
    if (bytes % (1L << 20) == 0 && bytes != 0) return (bytes >> 20) + "m";
    if (bytes % (1L << 10) == 0 && bytes != 0) return (bytes >> 10) + "k";
    return Long.toString(bytes);
  }
}
