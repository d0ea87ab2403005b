package io.sluice.core.util;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human durations as written in specs and on the command line: {@code 90s}, {@code 5m}, {@code 1h}, {@code 3d}, or ISO-8601. */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

  private Durations() {}

  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": return Duration.ofMillis(n);
        case "s": return Duration.ofSeconds(n);
        case "m": return Duration.ofMinutes(n);
        case "h": return Duration.ofHours(n);
        case "d": return Duration.ofDays(n);
        default: return Duration.ofDays(7 * n);
      }
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write e.g. 30s, 5m, 1h, 3d or ISO-8601 PT15M");
    }
  }

  /** The shortest exact human form, the inverse of {@link #parse}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0 && ms != 0) return (ms / 86_400_000L) + "d";
    if (ms % 3_600_000L == 0 && ms != 0) return (ms / 3_600_000L) + "h";
    if (ms % 60_000L == 0 && ms != 0) return (ms / 60_000L) + "m";
    if (ms % 1000L == 0) return (ms / 1000L) + "s";
    return ms + "ms";
  }
}
