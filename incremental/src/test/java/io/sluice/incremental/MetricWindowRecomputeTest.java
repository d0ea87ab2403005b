package io.sluice.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.testing.TestPipeline;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricWindowRecomputeTest {
  @TempDir Path dir;
  static final long HOUR = 3_600_000L;
  static final long T0 = 1_715_000_400_000L - (1_715_000_400_000L % (24 * HOUR));   // a UTC midnight
  static final String[] COUNTRIES = {"DE", "FR", "US"};

  static final String METRICS = """
      metrics:
        allowed-lateness: 2h
        definitions:
          - name: by_country
            grain: 1h
            dimensions: [country]
            measures: [count, sum(amount), avg(amount), min(amount), max(amount), count_distinct(user), p50(amount), p95(amount), nulls(amount)]
          - name: big_orders
            grain: 15m
            filter: "kind == 'order' && amount > 50"
            measures: [count, sum(amount), avg(amount), min(amount), max(amount)]
          - name: by_kind
            grain: 1h
            dimensions: [kind, country]
            measures: [count, nulls(amount), sum(amount), max(amount), approx_p50(amount), approx_p95(amount)]
          - name: daily
            grain: 1d
            measures: [count, count_distinct(user)]
      """;

  PipelineSpec spec(String name, String type) throws Exception {
    return spec(name, type, METRICS);
  }

  PipelineSpec spec(String name, String type, String metrics) throws Exception {
    return spec(name, type, metrics, "jsonl");
  }

  PipelineSpec spec(String name, String type, String metrics, String format) throws Exception {
    return TestPipeline.create(dir, name, """
        {"type":"record","name":"E","fields":[
          {"name":"id","type":"string"},
          {"name":"user","type":"string"},
          {"name":"country","type":"string"},
          {"name":"kind","type":"string"},
          {"name":"amount","type":["null","double"],"default":null},
          {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"seq","type":"long"},
          {"name":"del","type":"boolean","default":false}]}""", """
        name: %s
        work-dir: %s
        source:
          landing-dir: landing
          format: %s
          schema: e.avsc
          validation:
            max-future-skew: 3650d
        table:
          name: shared_events
          base-path: tables/shared_events
          type: %s
          record-key: [id]
          ordering-field: seq
          event-time-field: ts
          delete-field: del
        hudi:
          hoodie.compact.inline.max.delta.commits: "3"
        %s""".formatted(name, dir.resolve("work"), format, type, metrics));
  }

  static String event(int id, int user, String country, String kind, Double amount, long ts, long seq, boolean del) {
    return String.format("{\"id\":\"e%d\",\"user\":\"u%d\",\"country\":\"%s\",\"kind\":\"%s\",\"amount\":%s,\"ts\":%d,\"seq\":%d,\"del\":%s}%n",
        id, user, country, kind, amount == null ? "null" : amount.toString(), ts, seq, del);
  }

  static Map<String, Map<String, Object>> rows(MetricsTable t) {
    return MetricRows.canonical(t);
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @CsvSource({"cow,11", "mor,12"})
  void incrementalMetricsEqualAFullRecomputeAfterEveryBatch(String type, long seed) throws Exception {
    PipelineSpec spec = spec("live", type);
    PipelineSpec fresh = spec("fresh", type);
    Configuration conf = new Configuration();
    MiniBatch ingest = new MiniBatch(spec, conf);
    MetricWindowRecompute live = new MetricWindowRecompute(spec, conf);
    Path landing = Path.of(java.net.URI.create(spec.source().landingDir()));
    Random rnd = new Random(seed);
    List<String> lastBatch = new ArrayList<>();
    int nextId = 0;
    long seq = 0;
    for (int b = 0; b < 7; b++) {
      long clock = T0 + b * 3 * HOUR;
      StringBuilder sb = new StringBuilder();
      if (b == 4) {
        sb.append(String.join("", lastBatch));   // a whole batch delivered again
      }
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        double op = rnd.nextDouble();
        seq++;
        String country = COUNTRIES[rnd.nextInt(3)];
        String kind = rnd.nextDouble() < 0.3 ? "order" : "view";
        Double amount = rnd.nextDouble() < 0.15 ? null : Math.round(rnd.nextDouble() * 10000) / 100.0;
        if (op < 0.6 || nextId == 0) {
          // new event; 10% late by up to 30 hours
          long ts = clock + (long) (rnd.nextDouble() * 3 * HOUR) - (rnd.nextDouble() < 0.1 ? (long) (rnd.nextDouble() * 30 * HOUR) : 0);
          lines.add(event(nextId++, rnd.nextInt(25), country, kind, amount, ts, seq, false));
        } else {
          // change an earlier event: new amount/country/kind (its event time is fixed per id), or delete it
          int id = rnd.nextInt(nextId);
          long ts = T0 + (id % 17) * HOUR;
          lines.add(event(id, rnd.nextInt(25), country, kind, amount, ts, seq, op > 0.9));
        }
      }
      // ids created above carry their own ts; changes use a ts derived from the id: keep them consistent
      lastBatch = fixEventTimes(lines);
      sb.append(String.join("", lastBatch));
      Files.writeString(landing.resolve("b" + b + ".jsonl"), sb.toString());
      ingest.runOnce();
      if (b == 2) {
        // a ranged backfill reads the newest snapshot before the incremental run consumes it: the rows it
        // writes already hold this batch's changes, so the next delta must not apply them again
        java.time.LocalDate day = java.time.LocalDate.ofEpochDay(T0 / (24 * HOUR));
        live.full(day, day);
      }

      RecomputeReport r = live.incremental();
      assertThat(r.nothingNew()).isFalse();
      assertThat(live.incremental().nothingNew()).as("rerun consumes nothing twice").isTrue();
      MetricWindowRecompute full = new MetricWindowRecompute(fresh, conf);
      full.full(null, null);
      assertThat(rows(live.metricsTable())).as("batch " + b).isEqualTo(rows(full.metricsTable()));
      // the fresh table is rebuilt from scratch every time
      deleteTree(Path.of(java.net.URI.create(fresh.metricsBasePath())));
    }
    assertThat(rows(live.metricsTable())).isNotEmpty();
  }

  private static List<String> fixEventTimes(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      int id = Integer.parseInt(l.substring(l.indexOf("\"e") + 2, l.indexOf("\",\"user")));
      long ts = T0 + (id % 17) * HOUR + (id / 17) * 3 * HOUR / 4;
      out.add(l.replaceFirst("\"ts\":-?\\d+", "\"ts\":" + ts));
    }
    return out;
  }

  private static void deleteTree(Path p) throws Exception {
    if (Files.exists(p)) {
      try (var s = Files.walk(p)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
  }

  @Test
  void lateEventRecomputesOnlyItsWindowAndIsReportedAsLateCorrection() throws Exception {
    PipelineSpec spec = spec("late", "cow");
    Configuration conf = new Configuration();
    MiniBatch ingest = new MiniBatch(spec, conf);
    MetricWindowRecompute m = new MetricWindowRecompute(spec, conf);
    Path landing = Path.of(java.net.URI.create(spec.source().landingDir()));
    StringBuilder sb = new StringBuilder();
    int id = 0;
    for (int day = 0; day < 10; day++) {
      for (int h = 0; h < 24; h += 2) {
        sb.append(event(id++, id % 7, COUNTRIES[id % 3], "view", 1.0, T0 + day * 24 * HOUR + h * HOUR, 1, false));
      }
    }
    Files.writeString(landing.resolve("history.jsonl"), sb.toString());
    ingest.runOnce();
    RecomputeReport first = m.incremental();
    assertThat(first.partitionsRead()).isEqualTo(10);
    assertThat(first.lateCorrections()).isZero();

    long lateTs = T0 + 3 * 24 * HOUR + 5 * HOUR + 60_000;   // day 3, 05:01, long complete
    Files.writeString(landing.resolve("late.jsonl"), event(id, 1, "DE", "order", 80.0, lateTs, 1, false));
    ingest.runOnce();
    RecomputeReport late = m.incremental();
    assertThat(late.partitionsRead()).isEqualTo(1);
    assertThat(late.snapshotRecords()).isEqualTo(12 + 1);
    assertThat(late.changes()).isEqualTo(1);
    // by_country DE 05:00 (new group), big_orders and by_kind 05:00 (new, by delta), daily day 3 (changed)
    assertThat(late.rowsWritten()).isEqualTo(4);
    assertThat(late.deltaWindows()).isEqualTo(2);
    assertThat(late.lateCorrections()).isEqualTo(1);
    GenericRecord daily = new SnapshotReader(m.metricsTable().table(), m.metricsTable().schema()).read(null).stream()
        .filter(r -> r.get("metric").toString().equals("daily") && (Long) r.get("window_start") == T0 + 3 * 24 * HOUR)
        .findFirst().orElseThrow();
    assertThat(daily.get("count")).isEqualTo(13L);
    assertThat(daily.get("revision")).isEqualTo(2L);
    assertThat(daily.get("late_correction")).isEqualTo(true);
    assertThat(daily.get("is_complete")).isEqualTo(true);

    // deleting the late event takes the windows back, deleting the rows it created
    Files.writeString(landing.resolve("undo.jsonl"), event(id, 1, "DE", "order", 80.0, lateTs, 2, true));
    ingest.runOnce();
    RecomputeReport undo = m.incremental();
    assertThat(undo.rowsDeleted()).isEqualTo(3);
    assertThat(undo.rowsWritten()).isEqualTo(1);
  }

  @Test
  void metricsSharingAFilterEachCountExactlyTheRecordsItAccepts() throws Exception {
    // two metrics evaluate one filter once per record; a third has another filter, a fourth none
    String metrics = """
        metrics:
          allowed-lateness: 2h
          definitions:
            - name: orders
              grain: 1h
              dimensions: [country]
              filter: "kind == 'order'"
              measures: [count]
            - name: order_amounts
              grain: 1h
              dimensions: [country]
              filter: "kind == 'order'"
              measures: [sum(amount), avg(amount), max(amount)]
            - name: views
              grain: 1h
              dimensions: [country]
              filter: "kind == 'view'"
              measures: [count]
            - name: all_events
              grain: 1h
              dimensions: [country]
              measures: [count, sum(amount)]
        """;
    PipelineSpec spec = spec("filters", "cow", metrics);
    Configuration conf = new Configuration();
    Path landing = Path.of(java.net.URI.create(spec.source().landingDir()));
    Random rnd = new Random(21);
    StringBuilder sb = new StringBuilder();
    Map<String, long[]> counts = new TreeMap<>();          // country@hour -> orders, views, all
    Map<String, java.math.BigDecimal> orderSums = new TreeMap<>();
    for (int i = 0; i < 600; i++) {
      String country = COUNTRIES[rnd.nextInt(3)];
      String kind = rnd.nextInt(3) == 0 ? "order" : "view";
      double amount = Math.round(rnd.nextDouble() * 100_000) / 100.0;
      long ts = T0 + rnd.nextInt(6) * HOUR + rnd.nextInt(3_600_000);
      sb.append(event(i, i % 11, country, kind, amount, ts, 1, false));
      String key = country + "@" + (ts - ts % HOUR);
      long[] c = counts.computeIfAbsent(key, k -> new long[3]);
      c[kind.equals("order") ? 0 : 1]++;
      c[2]++;
      if (kind.equals("order")) {
        orderSums.merge(key, new java.math.BigDecimal(amount), java.math.BigDecimal::add);
      }
    }
    Files.writeString(landing.resolve("events.jsonl"), sb.toString());
    new MiniBatch(spec, conf).runOnce();
    MetricWindowRecompute m = new MetricWindowRecompute(spec, conf);
    m.full(null, null);

    Map<String, Map<String, Long>> seen = new TreeMap<>();
    for (GenericRecord r : new SnapshotReader(m.metricsTable().table(), m.metricsTable().schema()).read(null)) {
      String key = r.get("country") + "@" + r.get("window_start");
      String metric = r.get("metric").toString();
      if (metric.equals("order_amounts")) {
        assertThat((Double) r.get("sum_amount")).as(key).isEqualTo(orderSums.get(key).doubleValue());
        seen.computeIfAbsent(metric, k -> new TreeMap<>()).put(key, 1L);
      } else {
        seen.computeIfAbsent(metric, k -> new TreeMap<>()).put(key, (Long) r.get("count"));
      }
    }
    Map<String, Long> orders = new TreeMap<>();
    Map<String, Long> views = new TreeMap<>();
    Map<String, Long> all = new TreeMap<>();
    counts.forEach((k, c) -> {
      if (c[0] > 0) {
        orders.put(k, c[0]);
      }
      if (c[1] > 0) {
        views.put(k, c[1]);
      }
      all.put(k, c[2]);
    });
    assertThat(seen.get("orders")).isEqualTo(orders);
    assertThat(seen.get("order_amounts").keySet()).isEqualTo(orders.keySet());
    assertThat(seen.get("views")).isEqualTo(views);
    assertThat(seen.get("all_events")).isEqualTo(all);
  }

  @Test
  void nanAndInfinitiesFromAnAvroSourceAggregateAsSqlDoesAndDeltasStayExact() throws Exception {
    // Avro sources may carry NaN and infinities (JSON cannot); sums follow SQL, quantiles leave NaN out
    String metrics = """
        metrics:
          allowed-lateness: 2h
          definitions:
            - name: amounts
              grain: 1h
              dimensions: [country]
              measures: [count, sum(amount), avg(amount), min(amount), max(amount), approx_p50(amount), p50(amount)]
        """;
    Configuration conf = new Configuration();
    PipelineSpec live = spec("nonfinite", "cow", metrics, "avro");
    PipelineSpec fresh = spec("nonfinite_full", "cow", metrics, "avro");
    Path landing = Path.of(java.net.URI.create(live.source().landingDir()));
    Schema schema = new Schema.Parser().parse(dir.resolve("e.avsc").toFile());
    // one hour; id i goes to COUNTRIES[i % 3]: DE (ids 0, 3, 6) gets a NaN, FR (1, 4, 7) +inf and -inf,
    // US (2, 5, 8) +inf only, each with finite values beside
    double[][] batches = {
        {1.5, Double.POSITIVE_INFINITY, 0.5, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 4.0, 2.0, 3.0},
        // the second batch replaces the NaN and the -inf (ids 3 and 4) with finite values
        {7.0, 8.0}};
    int[][] ids = {{0, 1, 2, 3, 4, 5, 6, 7, 8}, {3, 4}};
    MiniBatch ingest = new MiniBatch(live, conf);
    MetricWindowRecompute m = new MetricWindowRecompute(live, conf);
    Map<String, Map<String, Object>> afterFirst = null;
    for (int b = 0; b < batches.length; b++) {
      java.io.File file = landing.resolve("b" + b + ".avro").toFile();
      try (org.apache.avro.file.DataFileWriter<GenericRecord> w =
               new org.apache.avro.file.DataFileWriter<>(new org.apache.avro.generic.GenericDatumWriter<>(schema))) {
        w.create(schema, file);
        for (int i = 0; i < batches[b].length; i++) {
          int id = ids[b][i];
          GenericRecord r = new org.apache.avro.generic.GenericData.Record(schema);
          r.put("id", "e" + id);
          r.put("user", "u" + id);
          r.put("country", COUNTRIES[id % 3]);
          r.put("kind", "view");
          r.put("amount", batches[b][i]);
          r.put("ts", T0 + id * 60_000L);
          r.put("seq", (long) b + 1);
          r.put("del", false);
          w.append(r);
        }
      }
      ingest.runOnce();
      m.incremental();
      if (b == 0) {
        afterFirst = rows(m.metricsTable());
      }
    }

    Map<String, Object> de = row(afterFirst, "DE");
    assertThat((Double) de.get("sum_amount")).isNaN();
    assertThat((Double) de.get("avg_amount")).isNaN();
    assertThat((Double) de.get("min_amount")).isNaN();
    Map<String, Object> fr = row(afterFirst, "FR");
    assertThat((Double) fr.get("sum_amount")).isNaN();       // +inf and -inf
    assertThat(fr.get("max_amount")).isEqualTo(Double.POSITIVE_INFINITY);
    Map<String, Object> us = row(afterFirst, "US");
    assertThat(us.get("sum_amount")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(us.get("count")).isEqualTo(3L);

    // after the NaN and -inf are replaced, the sums are exact again: DE 1.5 + 7.0 + 4.0, FR +inf
    Map<String, Map<String, Object>> after = rows(m.metricsTable());
    assertThat(row(after, "DE").get("sum_amount")).isEqualTo(12.5);
    assertThat(row(after, "DE").get("min_amount")).isEqualTo(1.5);
    assertThat(row(after, "FR").get("sum_amount")).isEqualTo(Double.POSITIVE_INFINITY);
    // 0.5, 3.0, +inf: the buckets rank the infinity last (Commons Math's exact R-7 estimate gives NaN
    // here, interpolating 0 x (+inf - 3.0); incremental and full agree on it below)
    assertThat((Double) row(after, "US").get("approx_p50_amount")).isCloseTo(3.0, org.assertj.core.api.Assertions.within(0.03));

    // and the incremental rows equal a full recompute of the same events
    Files.list(landing).forEach(f -> copy(f, Path.of(java.net.URI.create(fresh.source().landingDir())).resolve(f.getFileName())));
    new MiniBatch(fresh, conf).runOnce();
    MetricWindowRecompute full = new MetricWindowRecompute(fresh, conf);
    full.full(null, null);
    assertThat(MetricRows.canonical(m.metricsTable())).isEqualTo(MetricRows.canonical(full.metricsTable()));
  }

  private static Map<String, Object> row(Map<String, Map<String, Object>> rows, String country) {
    return rows.entrySet().stream().filter(e -> e.getKey().contains("country=" + country))
        .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no row for " + country + " in " + rows.keySet()));
  }

  private static void copy(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      Files.copy(from, to);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static final String DECOMPOSABLE = """
      metrics:
        allowed-lateness: 2h
        definitions:
          - name: amounts
            grain: 1h
            dimensions: [country]
            measures: [count, sum(amount), avg(amount), min(amount), max(amount), nulls(amount)]
      """;

  @Test
  void decomposableMetricsAreKeptByDeltaWithoutReadingEvents() throws Exception {
    // a metric without a count measure resumes from the record count kept in its partial state
    String metrics = DECOMPOSABLE + """
            - name: amount_sums
              grain: 1h
              measures: [sum(amount), avg(amount)]
        """;
    PipelineSpec spec = spec("delta", "mor", metrics);
    PipelineSpec fresh = spec("delta_full", "mor", metrics);
    Configuration conf = new Configuration();
    MiniBatch ingest = new MiniBatch(spec, conf);
    MetricWindowRecompute m = new MetricWindowRecompute(spec, conf);
    Path landing = Path.of(java.net.URI.create(spec.source().landingDir()));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append(event(i, i % 9, COUNTRIES[i % 3], "view", i % 10 == 0 ? null : 10.0 + i * 0.1,
          T0 + (i % 48) * HOUR + i * 1000, 1, false));
    }
    Files.writeString(landing.resolve("history.jsonl"), sb.toString());
    ingest.runOnce();
    assertThat(m.incremental().deltaWindows()).as("nothing consumed yet: recomputed").isZero();

    // a late insert and an update that keeps the extremes: by delta, no event read
    long hour5 = T0 + 5 * HOUR;
    Files.writeString(landing.resolve("b1.jsonl"), event(1000, 1, "DE", "view", 12.34, hour5 + 7, 1, false)
        + event(55, 55 % 9, COUNTRIES[55 % 3], "view", 15.75, T0 + 7 * HOUR + 55_000, 2, false));
    ingest.runOnce();
    RecomputeReport delta = m.incremental();
    assertThat(delta.snapshotRecords()).isZero();
    assertThat(delta.partitionsRead()).isZero();
    assertThat(delta.deltaWindows()).isEqualTo(4);
    assertThat(delta.rowsWritten()).isEqualTo(4);
    assertThat(delta.lateCorrections()).as("the updates changed complete windows; DE at 05:00 is a new row").isEqualTo(3);
    new MetricWindowRecompute(fresh, conf).full(null, null);
    MetricsTable freshTable = new MetricWindowRecompute(fresh, conf).metricsTable();
    assertThat(MetricRows.canonical(m.metricsTable())).isEqualTo(MetricRows.canonical(freshTable));

    // deleting a window's maximum cannot be applied by delta: that window is recomputed from its date
    Files.writeString(landing.resolve("b2.jsonl"), event(199, 199 % 9, COUNTRIES[199 % 3], "view", 10.0 + 199 * 0.1,
        T0 + (199 % 48) * HOUR + 199 * 1000, 3, true));
    ingest.runOnce();
    RecomputeReport fallback = m.incremental();
    assertThat(fallback.deltaWindows()).as("amount_sums has no min or max to lose").isEqualTo(1);
    assertThat(fallback.partitionsRead()).isEqualTo(1);
    assertThat(fallback.snapshotRecords()).isPositive();
    deleteTree(Path.of(java.net.URI.create(fresh.metricsBasePath())));
    new MetricWindowRecompute(fresh, conf).full(null, null);
    assertThat(MetricRows.canonical(m.metricsTable())).isEqualTo(MetricRows.canonical(freshTable));
  }

  @Test
  void aRecomputeTakesTheFileGroupsABatchCreatedFromItsChangeRead() throws Exception {
    // MOR inserts start new file groups; p50 and count_distinct windows are recomputed from their date
    String metrics = """
        metrics:
          allowed-lateness: 2h
          definitions:
            - name: exact
              grain: 1h
              dimensions: [country]
              measures: [count, p50(amount), count_distinct(user)]
        """;
    PipelineSpec spec = spec("held", "mor", metrics);
    PipelineSpec fresh = spec("held_full", "mor", metrics);
    Configuration conf = new Configuration();
    MiniBatch ingest = new MiniBatch(spec, conf);
    MetricWindowRecompute m = new MetricWindowRecompute(spec, conf);
    Path landing = Path.of(java.net.URI.create(spec.source().landingDir()));
    StringBuilder history = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      history.append(event(i, i % 7, COUNTRIES[i % 3], "view", 1.0 + i, T0 + (i % 10) * HOUR + i, 1, false));
    }
    Files.writeString(landing.resolve("history.jsonl"), history.toString());
    ingest.runOnce();
    m.incremental();
    StringBuilder batch = new StringBuilder();
    for (int i = 100; i < 150; i++) {
      batch.append(event(i, i % 11, COUNTRIES[i % 3], "view", 2.0 + i, T0 + (i % 10) * HOUR + i, 1, false));
    }
    Files.writeString(landing.resolve("batch.jsonl"), batch.toString());
    ingest.runOnce();

    RecomputeReport r = m.incremental();
    assertThat(r.partitionsRead()).isEqualTo(1);
    assertThat(r.snapshotRecords()).as("the date's records, old and new").isEqualTo(150);
    // only the history's file group came from storage; the batch's new one was taken from the change read
    Path day = Path.of(java.net.URI.create(ingest.events().layout().basePath())).resolve("dt=" + EventSchemas.day(T0));
    long historyBytes;
    try (var files = Files.list(day)) {
      historyBytes = files.filter(f -> f.toString().endsWith(".parquet") && !f.toString().endsWith(r.until() + ".parquet"))
          .mapToLong(f -> f.toFile().length()).sum();
    }
    assertThat(historyBytes).isPositive();
    assertThat(r.snapshotBytes()).isEqualTo(historyBytes);
    new MetricWindowRecompute(fresh, conf).full(null, null);
    assertThat(MetricRows.canonical(m.metricsTable()))
        .isEqualTo(MetricRows.canonical(new MetricWindowRecompute(fresh, conf).metricsTable()));
  }

  @Test
  void aMetricAddedLaterIsRecomputedNotKeptByDeltaUntilAFullRecomputeCompletesIt() throws Exception {
    String withOrders = DECOMPOSABLE + """
            - name: orders
              grain: 1h
              filter: "kind == 'order'"
              measures: [count, sum(amount)]
        """;
    Configuration conf = new Configuration();
    PipelineSpec before = spec("grow", "cow", DECOMPOSABLE);
    MiniBatch ingest = new MiniBatch(before, conf);
    Path landing = Path.of(java.net.URI.create(before.source().landingDir()));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append(event(i, i % 9, COUNTRIES[i % 3], i % 2 == 0 ? "order" : "view", 1.0 + i, T0 + (i % 48) * HOUR + i, 1, false));
    }
    Files.writeString(landing.resolve("history.jsonl"), sb.toString());
    ingest.runOnce();
    new MetricWindowRecompute(before, conf).incremental();

    // the spec gains a metric; its first incremental run must not build rows from the changes alone
    PipelineSpec after = spec("grow", "cow", withOrders);
    MetricWindowRecompute m = new MetricWindowRecompute(after, conf);
    Files.writeString(landing.resolve("b1.jsonl"), event(1000, 1, "DE", "order", 5.0, T0 + 5 * HOUR + 17, 1, false));
    new MiniBatch(after, conf).runOnce();
    RecomputeReport first = m.incremental();
    assertThat(first.deltaWindows()).as("only the complete metric by delta").isEqualTo(1);
    assertThat(first.partitionsRead()).isEqualTo(1);
    PipelineSpec fresh = spec("grow_full", "cow", withOrders);
    new MetricWindowRecompute(fresh, conf).full(null, null);
    MetricsTable reference = new MetricWindowRecompute(fresh, conf).metricsTable();
    String touched = "orders|" + (T0 + 5 * HOUR) + "|";
    assertThat(MetricRows.canonical(m.metricsTable()).get(touched)).isNotNull()
        .isEqualTo(MetricRows.canonical(reference).get(touched));

    // once a full recompute has built it, the new metric is kept by delta as well
    m.full(null, null);
    Files.writeString(landing.resolve("b2.jsonl"), event(1001, 2, "FR", "order", 6.0, T0 + 6 * HOUR + 17, 1, false));
    new MiniBatch(after, conf).runOnce();
    RecomputeReport second = m.incremental();
    assertThat(second.deltaWindows()).isEqualTo(2);
    assertThat(second.partitionsRead()).isZero();
    deleteTree(Path.of(java.net.URI.create(fresh.metricsBasePath())));
    new MetricWindowRecompute(fresh, conf).full(null, null);
    assertThat(MetricRows.canonical(m.metricsTable())).isEqualTo(MetricRows.canonical(reference));
  }
}
