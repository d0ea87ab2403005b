package io.sluice.checks;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting shared by findings: windows and numbers as a person reads them. */
public final class Windows {
  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  private Windows() {}

  public static String describe(long start, long size) {
    return "window " + DAY_TIME.format(Instant.ofEpochMilli(start)) + "–" + TIME.format(Instant.ofEpochMilli(start + size))
        + " UTC";
  }

  public static String day(long millis) {
    return DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(millis));
  }

  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 1 ? "%.2f" : "%.4g", v);
  }

  public static String percent(double share) {
    return String.format(Locale.ROOT, share < 0.01 ? "%.2f%%" : "%.1f%%", 100 * share);
  }
}
