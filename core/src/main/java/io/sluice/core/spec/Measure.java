package io.sluice.core.spec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One aggregate of a metric, written {@code count}, {@code sum(amount)}, {@code avg(x)},
 * {@code min(x)}, {@code max(x)}, {@code count_distinct(user_id)}, {@code p50(x)}…{@code p99(x)} (exact),
 * {@code approx_p50(x)}…{@code approx_p99(x)} (within 1% relative error, but decomposable: kept by
 * delta like a sum) or {@code nulls(x)}. Each becomes one column of the metrics table, named by {@link #column()}.
 */
public record Measure(Kind kind, String field, int percentile) {
  private static final Pattern P = Pattern.compile("\\s*([a-z_]+[0-9]*)\\s*(?:\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\))?\\s*");

  /** Aggregate kinds; {@code numeric} ones need a numeric field, {@code integral} ones yield a long. */
  public enum Kind {
    COUNT(false, true), SUM(true, false), AVG(true, false), MIN(true, false), MAX(true, false),
    COUNT_DISTINCT(false, true), PERCENTILE(true, false), APPROX_PERCENTILE(true, false), NULLS(false, true);

    public final boolean numeric;
    public final boolean integral;

    Kind(boolean numeric, boolean integral) {
      this.numeric = numeric;
      this.integral = integral;
    }
  }

  public static Measure parse(String text) {
    Matcher m = P.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a measure; write e.g. count, sum(amount), p95(latency_ms)");
    }
    String fn = m.group(1).toLowerCase(Locale.ROOT);
    String field = m.group(2);
    if (fn.equals("count") && field == null) {
      return new Measure(Kind.COUNT, null, 0);
    }
    if (field == null) {
      throw new IllegalArgumentException("measure '" + text + "' needs a field, e.g. " + fn + "(amount)");
    }
    if (fn.matches("(approx_)?p[0-9]{1,2}")) {
      boolean approx = fn.startsWith("approx_");
      int p = Integer.parseInt(fn.substring(fn.lastIndexOf('p') + 1));
      if (p < 1 || p > 99) {
        throw new IllegalArgumentException("percentile in '" + text + "' must be p1..p99");
      }
      return new Measure(approx ? Kind.APPROX_PERCENTILE : Kind.PERCENTILE, field, p);
    }
    return switch (fn) {
      case "sum" -> new Measure(Kind.SUM, field, 0);
      case "avg" -> new Measure(Kind.AVG, field, 0);
      case "min" -> new Measure(Kind.MIN, field, 0);
      case "max" -> new Measure(Kind.MAX, field, 0);
      case "count_distinct" -> new Measure(Kind.COUNT_DISTINCT, field, 0);
      case "nulls" -> new Measure(Kind.NULLS, field, 0);
      default -> throw new IllegalArgumentException("unknown measure '" + fn + "'; use count, sum, avg, min, max,"
          + " count_distinct, p50..p99, approx_p50..approx_p99 or nulls");
    };
  }

  /** Metrics-table column, e.g. {@code sum_amount}, {@code p95_latency_ms}. */
  public String column() {
    return switch (kind) {
      case COUNT -> "count";
      case PERCENTILE -> "p" + percentile + "_" + field;
      case APPROX_PERCENTILE -> "approx_p" + percentile + "_" + field;
      default -> kind.name().toLowerCase(Locale.ROOT) + "_" + field;
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case COUNT -> "count";
      case PERCENTILE -> "p" + percentile + "(" + field + ")";
      case APPROX_PERCENTILE -> "approx_p" + percentile + "(" + field + ")";
      default -> kind.name().toLowerCase(Locale.ROOT) + "(" + field + ")";
    };
  }
}
