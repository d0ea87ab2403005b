package io.sluice.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Realistic click/order events for the demo schema ({@code conf/demo.avsc}), written as JSON-lines
 * landing files, one batch at a time: weighted countries and platforms, daily seasonality, a
 * Zipf-like user pool, late events up to 3 days old, re-deliveries, updates, deletes, malformed
 * lines and an optional platform outage. Deterministic for a given {@link Config}.
 */
public final class DemoEvents {
  /**
   * @param start event-time start of batch 0
   * @param batchSpan event time covered by one batch
   * @param eventsPerBatch new events per batch at the daily mean rate
   * @param incident events of this platform vanish in this event-time range; null for none
   */
  public record Config(long seed, Instant start, Duration batchSpan, int eventsPerBatch, double lateFraction,
      double duplicateFraction, double updateFraction, double deleteFraction, int malformedPerBatch, Incident incident) {

    public static Config defaults(Instant start) {
      return new Config(42L, start, Duration.ofHours(1), 5_000, 0.02, 0.01, 0.01, 0.002, 3, null);
    }

    public Config withIncident(Incident i) {
      return new Config(seed, start, batchSpan, eventsPerBatch, lateFraction, duplicateFraction, updateFraction,
          deleteFraction, malformedPerBatch, i);
    }

    public Config withEventsPerBatch(int n) {
      return new Config(seed, start, batchSpan, n, lateFraction, duplicateFraction, updateFraction, deleteFraction,
          malformedPerBatch, incident);
    }

    public Config withSeed(long s) {
      return new Config(s, start, batchSpan, eventsPerBatch, lateFraction, duplicateFraction, updateFraction,
          deleteFraction, malformedPerBatch, incident);
    }
  }

  /** A segment outage: no events of {@code platform} with event time in [from, to). */
  public record Incident(Instant from, Instant to, String platform) {}

  /**
   * What one batch wrote. {@code lines = valid + malformed}; duplicates, updates, deletes and record
   * outliers are valid lines.
   */
  public record BatchStats(int batch, int files, long lines, long valid, long malformed, long late, long duplicates,
      long updates, long deletes, long suppressedByIncident, long recordOutliers) {}

  private static final String[] COUNTRIES = {"DE", "FR", "GB", "US", "NL", "ES", "IT", "PL", "SE", "BR"};
  private static final double[] COUNTRY_W = {0.22, 0.14, 0.13, 0.18, 0.07, 0.08, 0.07, 0.05, 0.03, 0.03};
  private static final String[] PLATFORMS = {"ios", "android", "web"};
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Config cfg;
  /** Latest version per event id, as JSON; the table must end up holding exactly the non-deleted ones. */
  private final Map<String, ObjectNode> latest = new HashMap<>();
  private final List<String> ids = new ArrayList<>();

  public DemoEvents(Config cfg) {
    this.cfg = cfg;
  }

  /** Writes batch {@code i} into {@code landing} (temp name, then rename) and returns what it wrote. */
  public BatchStats writeBatch(int i, FileSystem fs, Path landing) throws IOException {
    return writeBatch(i, fs, landing, cfg.eventsPerBatch());
  }

  /** As {@link #writeBatch(int, FileSystem, Path)}, with {@code eventsAtMean} new events at the daily mean rate. */
  public BatchStats writeBatch(int i, FileSystem fs, Path landing, int eventsAtMean) throws IOException {
    SplittableRandom rnd = new SplittableRandom(cfg.seed() * 1_000_003L + i);
    Instant from = cfg.start().plus(cfg.batchSpan().multipliedBy(i));
    long spanMs = cfg.batchSpan().toMillis();
    Instant mid = from.plusMillis(spanMs / 2);
    int n = (int) Math.round(eventsAtMean * seasonality(mid));
    List<String> lines = new ArrayList<>(n + 16);
    long late = 0, dups = 0, upd = 0, del = 0, suppressed = 0;
    long arrival = from.toEpochMilli() + spanMs;
    for (int k = 0; k < n; k++) {
      boolean isLate = rnd.nextDouble() < cfg.lateFraction();
      long ts = isLate
          ? from.toEpochMilli() - 60_000L - (long) (rnd.nextDouble() * (3 * 86_400_000L - 60_000L))
          : from.toEpochMilli() + (long) (rnd.nextDouble() * spanMs);
      ObjectNode e = newEvent(rnd, i, k, ts, arrival);
      if (cfg.incident() != null && e.get("platform").asText().equals(cfg.incident().platform())
          && ts >= cfg.incident().from().toEpochMilli() && ts < cfg.incident().to().toEpochMilli()) {
        suppressed++;
        continue;
      }
      late += isLate ? 1 : 0;
      emit(lines, e);
    }
    // Record-level outliers for the record check, hardly visible in hourly totals: batches 5, 11, 17, ...
    // carry an order of an absurd amount, batches 4, 16, 28, ... a burst from one bot account (400 events in
    // an hour, about four times the busiest real user).
    long outliers = 0;
    if (i % 6 == 5) {
      ObjectNode e = newEvent(rnd, i, n + 1000, from.toEpochMilli() + (long) (rnd.nextDouble() * spanMs), arrival);
      e.put("event_type", "order");
      e.put("amount", round2(250_000 + rnd.nextDouble() * 50_000));
      emit(lines, e);
      outliers++;
    }
    if (i % 12 == 4) {
      for (int k = 0; k < 400; k++) {
        ObjectNode e = newEvent(rnd, i, n + 2000 + k, from.toEpochMilli() + (long) (rnd.nextDouble() * spanMs), arrival);
        e.put("user_id", "bot-" + i);
        emit(lines, e);
        outliers++;
      }
    }
    int pool = ids.size();
    if (pool > 0) {
      long nd = Math.round(n * cfg.duplicateFraction());
      for (int k = 0; k < nd; k++) {
        ObjectNode e = latest.get(ids.get(rnd.nextInt(pool)));
        lines.add(e.toString());   // exact re-delivery of the current version
        dups++;
      }
      long nu = Math.round(n * cfg.updateFraction());
      for (int k = 0; k < nu; k++) {
        ObjectNode e = nextVersion(rnd, pool, arrival);
        if (e == null) continue;
        e.put("latency_ms", 20 + rnd.nextInt(400));
        if (e.get("event_type").asText().equals("order")) {
          e.put("amount", round2(e.get("amount").asDouble() * (0.5 + rnd.nextDouble())));
        }
        emit(lines, e);
        upd++;
      }
      long nx = Math.round(n * cfg.deleteFraction());
      for (int k = 0; k < nx; k++) {
        ObjectNode e = nextVersion(rnd, pool, arrival);
        if (e == null) continue;
        e.put("deleted", true);
        emit(lines, e);
        del++;
      }
    }
    long valid = lines.size();
    for (int k = 0; k < cfg.malformedPerBatch(); k++) {
      lines.add(rnd.nextInt(lines.size() + 1), malformed(k, i, arrival));
    }
    // Producers roll files by size: about 100K lines each, and at least two once a batch is not tiny.
    int files = lines.size() > 2000 ? Math.max(2, (lines.size() + 99_999) / 100_000) : 1;
    int per = (lines.size() + files - 1) / files;
    for (int f = 0; f < files; f++) {
      List<String> part = lines.subList(f * per, Math.min(lines.size(), (f + 1) * per));
      String name = String.format("events-%05d-%d.jsonl", i, f);
      Path tmp = new Path(landing, "_" + name);
      try (OutputStream out = fs.create(tmp, true)) {
        out.write((String.join("\n", part) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, new Path(landing, name))) {
        throw new IOException("cannot rename " + tmp);
      }
    }
    return new BatchStats(i, files, lines.size(), valid, cfg.malformedPerBatch(), late, dups, upd, del, suppressed,
        outliers);
  }

  private ObjectNode newEvent(SplittableRandom rnd, int batch, int k, long ts, long arrival) {
    String country = pick(rnd, COUNTRIES, COUNTRY_W);
    // Android is stronger in BR/PL/ES, iOS in US/GB: segments differ by country, as in real traffic.
    double ios = switch (country) { case "US", "GB" -> 0.45; case "BR", "PL", "ES" -> 0.2; default -> 0.33; };
    double android = switch (country) { case "US", "GB" -> 0.25; case "BR", "PL", "ES" -> 0.5; default -> 0.33; };
    String platform = pick(rnd, PLATFORMS, new double[] {ios, android, 1 - ios - android});
    double r = rnd.nextDouble();
    String type = r < 0.75 ? "view" : r < 0.96 ? "click" : "order";
    ObjectNode e = JSON.createObjectNode();
    e.put("event_id", String.format("ev-%05d-%06d", batch, k));
    // Zipf-like: a few users are very active
    e.put("user_id", "u" + (int) Math.floor(Math.pow(rnd.nextDouble(), 2.5) * 20_000));
    e.put("event_type", type);
    e.put("country", country);
    e.put("platform", platform);
    if (type.equals("order")) {
      e.put("amount", round2(Math.exp(3.2 + 0.8 * gaussian(rnd))));
    } else {
      e.putNull("amount");
    }
    if (rnd.nextDouble() < 0.005) {
      e.putNull("latency_ms");
    } else {
      e.put("latency_ms", (long) Math.exp(4.5 + 0.6 * gaussian(rnd)));
    }
    e.put("event_time", ts);
    e.put("updated_at", arrival);
    e.put("deleted", false);
    return e;
  }

  /** A newer version of a random earlier event, or null if that event is deleted. */
  private ObjectNode nextVersion(SplittableRandom rnd, int pool, long arrival) {
    ObjectNode e = latest.get(ids.get(rnd.nextInt(pool))).deepCopy();
    if (e.get("deleted").asBoolean()) {
      return null;
    }
    e.put("updated_at", Math.max(e.get("updated_at").asLong() + 1, arrival));
    return e;
  }

  private void emit(List<String> lines, ObjectNode e) {
    String id = e.get("event_id").asText();
    ObjectNode prev = latest.get(id);
    if (prev == null) {
      ids.add(id);
    }
    if (prev == null || e.get("updated_at").asLong() >= prev.get("updated_at").asLong()) {
      latest.put(id, e);
    }
    lines.add(e.toString());
  }

  private static String malformed(int k, int batch, long arrival) {
    return switch (k % 4) {
      case 0 -> "{\"event_id\":\"bad-" + batch + "-" + k + "\",\"user_id\":\"u1\",\"event_type\":\"click\",\"coun";
      case 1 -> "{\"event_id\":\"bad-" + batch + "-" + k + "\",\"user_id\":\"u1\",\"event_type\":\"order\",\"country\":\"DE\","
          + "\"platform\":\"web\",\"amount\":\"12,50\",\"event_time\":" + arrival + ",\"updated_at\":" + arrival + "}";
      case 2 -> "{\"event_id\":\"bad-" + batch + "-" + k + "\",\"event_type\":\"view\",\"country\":\"FR\","
          + "\"platform\":\"ios\",\"event_time\":" + arrival + ",\"updated_at\":" + arrival + "}";
      default -> "{\"event_id\":\"bad-" + batch + "-" + k + "\",\"user_id\":\"u2\",\"event_type\":\"purchase\",\"country\":\"US\","
          + "\"platform\":\"android\",\"event_time\":" + arrival + ",\"updated_at\":" + arrival + "}";
    };
  }

  /** Live event ids and their winning {@code updated_at}: what the events table must hold. */
  public Map<String, Long> expectedLive() {
    Map<String, Long> out = new TreeMap<>();
    latest.forEach((id, e) -> {
      if (!e.get("deleted").asBoolean()) {
        out.put(id, e.get("updated_at").asLong());
      }
    });
    return out;
  }

  /** Relative traffic at an instant: low at night (UTC), peak in the evening; mean about 1. */
  public static double seasonality(Instant t) {
    double hour = (t.getEpochSecond() % 86_400) / 3600.0;
    return 0.35 + 1.3 * Math.pow(Math.sin(Math.PI * Math.max(0, hour - 5) / 19.0), 2);
  }

  private static String pick(SplittableRandom rnd, String[] values, double[] weights) {
    double sum = 0;
    for (double w : weights) sum += w;
    double x = rnd.nextDouble() * sum;
    for (int i = 0; i < values.length; i++) {
      x -= weights[i];
      if (x < 0) return values[i];
    }
    return values[values.length - 1];
  }

  private static double gaussian(SplittableRandom rnd) {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
