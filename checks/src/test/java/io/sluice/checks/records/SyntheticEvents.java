package io.sluice.checks.records;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Shop events with record-level outliers injected on demand, for tests and the record-scoring bench:
 * weighted countries and platforms, a Zipf-like user pool, log-normal amounts (orders only) and
 * latencies, daily seasonality. The injected classes are single-field extremes, impossible value
 * combinations and a burst from one user. Deterministic for a seed.
 */
public final class SyntheticEvents {
  /** Ten feature columns: five numeric, three categorical, the user's rate and the time of day. */
  public static RecordFeatures.Columns tenColumns() {
    return new RecordFeatures.Columns(List.of("amount", "latency_ms", "items", "session_s", "scroll_pct"),
        List.of("event_type", "country", "platform"), "user_id", "event_time", true);
  }

  /** What to inject. */
  public enum Outlier { NONE, EXTREME, COMBINATION, BURST }

  /** Events of one batch and the keys of the injected ones. */
  public record Batch(List<RecordBatch.Event> events, Set<String> injected) {}

  private static final String[] COUNTRIES = {"DE", "FR", "GB", "US", "NL", "ES", "IT", "PL", "SE", "BR"};
  private static final double[] COUNTRY_W = {0.22, 0.14, 0.13, 0.18, 0.07, 0.08, 0.07, 0.05, 0.03, 0.03};

  private final SplittableRandom rnd;
  private int seq;

  public SyntheticEvents(long seed) {
    this.rnd = new SplittableRandom(seed);
  }

  /** The feature columns these events have. */
  public static RecordFeatures.Columns columns() {
    return new RecordFeatures.Columns(List.of("amount", "latency_ms"), List.of("event_type", "country", "platform"),
        "user_id", "event_time", true);
  }

  /** {@code n} events in the hour starting at {@code hour}, plus {@code count} injected outliers of {@code kind}. */
  public Batch batch(long hour, int n, Outlier kind, int count) {
    List<RecordBatch.Event> out = new ArrayList<>(n + count);
    Set<String> injected = new HashSet<>();
    for (int i = 0; i < n; i++) {
      out.add(event(hour, null));
    }
    String burstUser = "burst-" + rnd.nextInt(1_000_000);
    for (int i = 0; i < count && kind != Outlier.NONE; i++) {
      RecordBatch.Event e = switch (kind) {
        case EXTREME -> extreme(event(hour, null));
        case COMBINATION -> combination(event(hour, null));
        case BURST -> event(hour, burstUser);
        case NONE -> throw new IllegalStateException();
      };
      out.add(e);
      injected.add(e.key());
    }
    return new Batch(out, injected);
  }

  private RecordBatch.Event event(long hour, String user) {
    Map<String, Object> v = new HashMap<>();
    String country = pick(COUNTRIES, COUNTRY_W);
    double ios = switch (country) { case "US", "GB" -> 0.45; case "BR", "PL", "ES" -> 0.2; default -> 0.33; };
    double android = switch (country) { case "US", "GB" -> 0.25; case "BR", "PL", "ES" -> 0.5; default -> 0.33; };
    double p = rnd.nextDouble();
    v.put("platform", p < ios ? "ios" : p < ios + android ? "android" : "web");
    double r = rnd.nextDouble();
    String type = r < 0.75 ? "view" : r < 0.96 ? "click" : "order";
    v.put("event_type", type);
    v.put("country", country);
    v.put("user_id", user != null ? user : "u" + (int) Math.floor(Math.pow(rnd.nextDouble(), 2.5) * 20_000));
    v.put("amount", type.equals("order") ? Math.round(Math.exp(3.2 + 0.8 * gaussian()) * 100) / 100.0 : null);
    v.put("latency_ms", rnd.nextDouble() < 0.005 ? null : (long) Math.exp(4.5 + 0.6 * gaussian()));
    // Three more numeric fields, for benchmarks that want ten feature columns.
    v.put("items", type.equals("order") ? 1 + (long) Math.floor(-Math.log(1 - rnd.nextDouble()) * 2) : 0L);
    v.put("session_s", Math.round(Math.exp(5 + 0.9 * gaussian())));
    v.put("scroll_pct", Math.round(100 * rnd.nextDouble() * rnd.nextDouble() * 10) / 10.0);
    long ts = hour + (long) (rnd.nextDouble() * 3_600_000L);
    v.put("event_time", ts);
    return new RecordBatch.Event(String.format("ev-%08d", seq++), ts, v);
  }

  /** One field far outside its range: a latency 100-1000x typical, or an order amount 200-2000x. */
  private RecordBatch.Event extreme(RecordBatch.Event e) {
    Map<String, Object> v = new HashMap<>(e.values());
    if (rnd.nextBoolean()) {
      v.put("latency_ms", (long) (90 * (100 + rnd.nextDouble() * 900)));
    } else {
      v.put("event_type", "order");
      v.put("amount", Math.round(25 * (200 + rnd.nextDouble() * 1800) * 100) / 100.0);
    }
    return new RecordBatch.Event(e.key(), e.eventTime(), v);
  }

  /** Values that are normal one by one but never together: a view carrying an order amount, or an order without one. */
  private RecordBatch.Event combination(RecordBatch.Event e) {
    Map<String, Object> v = new HashMap<>(e.values());
    if (rnd.nextBoolean()) {
      v.put("event_type", "view");
      v.put("amount", Math.round(Math.exp(3.2 + 0.8 * gaussian()) * 100) / 100.0);
    } else {
      v.put("event_type", "order");
      v.put("amount", null);
    }
    return new RecordBatch.Event(e.key(), e.eventTime(), v);
  }

  private String pick(String[] xs, double[] w) {
    double r = rnd.nextDouble();
    for (int i = 0; i < xs.length; i++) {
      r -= w[i];
      if (r < 0) {
        return xs[i];
      }
    }
    return xs[xs.length - 1];
  }

  private double gaussian() {
    double u = 1 - rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }
}
