package io.sluice.bench;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.incremental.MetricRows;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.RecomputeReport;
import io.sluice.upserts.HudiWriter;
import io.sluice.upserts.MiniBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 3's benchmark: a table of {@code days} days, one batch of new events of which a fraction is
 * late over the last {@code late-days} days; the incremental recompute against a full recompute of
 * every window (the baseline, same process), and a check that both give identical metrics.
 */
@Command(name = "incremental-vs-full", mixinStandardHelpOptions = true,
    description = "Incremental metric recompute vs full recompute after one batch with late data")
final class IncrementalVsFullBench implements Callable<Integer> {
  static final long DAY = 86_400_000L;
  static final String[] COUNTRIES = {"DE", "FR", "GB", "US", "NL", "ES", "IT", "PL"};
  static final String[] PLATFORMS = {"ios", "android", "web"};

  @Option(names = "--rows", defaultValue = "10000000", description = "Rows in the table before the batch (default ${DEFAULT-VALUE})")
  long rows;

  @Option(names = "--days", defaultValue = "30", description = "Days the table covers (default ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--batch", defaultValue = "200000", description = "Events in the measured batch (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--late-fraction", defaultValue = "0.01", description = "Share of the batch that is late (default ${DEFAULT-VALUE})")
  double lateFraction;

  @Option(names = "--late-days", defaultValue = "7", description = "Late events spread over this many past days (default ${DEFAULT-VALUE})")
  int lateDays;

  @Option(names = "--work", defaultValue = "target/bench-work", description = "Scratch directory, recreated")
  Path work;

  @Mixin ResultsDir results = new ResultsDir();

  @Option(names = "--rounds", defaultValue = "1",
      description = {"Measure both passes this many times: each round restores the metrics tables to their state",
          "before the pass and runs the incremental pass, then the full one; each round's ratio and the median go to",
          "incremental-vs-full-rounds.* (default ${DEFAULT-VALUE})"})
  int rounds;

  @Option(names = "--metrics", defaultValue = "exact",
      description = {"Metric set: exact (count_distinct and p95, recomputed from the snapshot) or decomposable",
          "(count, sum, avg, min, max, approx_p95, nulls: kept by delta). Default ${DEFAULT-VALUE}"})
  MetricSet metricSet;

  /** The benchmark's metric definitions. */
  enum MetricSet {
    exact("""
            - name: by_segment
              grain: 1h
              dimensions: [country, platform]
              measures: [count, count_distinct(user_id), p95(latency_ms)]
            - name: revenue
              grain: 1h
              dimensions: [country]
              filter: "event_type == 'order'"
              measures: [count, sum(amount), avg(amount)]
            - name: daily
              grain: 1d
              measures: [count, count_distinct(user_id)]
        """),
    decomposable("""
            - name: by_segment
              grain: 1h
              dimensions: [country, platform]
              measures: [count, avg(latency_ms), max(latency_ms), approx_p95(latency_ms), nulls(amount)]
            - name: revenue
              grain: 1h
              dimensions: [country]
              filter: "event_type == 'order'"
              measures: [count, sum(amount), avg(amount), min(amount), max(amount)]
            - name: daily
              grain: 1d
              measures: [count, sum(latency_ms)]
        """);

    final String yaml;

    MetricSet(String yaml) {
      this.yaml = yaml;
    }
  }

  @Override
  public Integer call() throws Exception {
    Path w = work.toAbsolutePath();
    deleteTree(w);
    Files.createDirectories(w);
    Configuration conf = new Configuration();
    // The initial recompute would warm only the full pass's code; both passes run once on a small
    // scratch table first, so neither pays the JIT's warm-up in the measured round.
    round(w.resolve("warm-up"), conf, Math.max(days * 1_000L, rows / 100), Math.max(1_000, batch / 100), 1);
    progress("warm-up", 1, 1);
    Round r = round(w, conf, rows, batch, rounds);
    PipelineSpec live = r.live();
    RecomputeReport inc = r.inc();
    RecomputeReport full = r.full();
    long perDay = rows / days;
    long loadMs = r.loadMs();
    long upsertMs = r.upsertMs();
    long incMs = r.incMs();
    long fullMs = r.fullMs();
    int late = r.late();
    MetricWindowRecompute liveMetrics = r.liveMetrics();
    MetricWindowRecompute fullMetrics = r.fullMetrics();

    boolean identical = MetricRows.canonical(liveMetrics.metricsTable()).equals(MetricRows.canonical(fullMetrics.metricsTable()));
    FileSystem fs = FileSystem.get(java.net.URI.create(live.table().basePath()), conf);
    long tableBytes = fs.getContentSummary(new org.apache.hadoop.fs.Path(live.table().basePath())).getLength();
    long incBytes = inc.scan().bytesRead() + inc.snapshotBytes();
    long fullBytes = full.snapshotBytes();

    double timeRatio = incMs / (double) fullMs;
    double readRatio = inc.snapshotRecords() / (double) full.snapshotRecords();
    String row = String.join(",", Instant.now().toString(), Long.toString(perDay * days), Integer.toString(days),
        Integer.toString(batch), Integer.toString(late), Integer.toString(lateDays), Long.toString(loadMs),
        Long.toString(upsertMs), Long.toString(incMs), Long.toString(fullMs), String.format("%.4f", timeRatio),
        Long.toString(inc.snapshotRecords()), Long.toString(full.snapshotRecords()), String.format("%.4f", readRatio),
        Integer.toString(inc.partitionsRead()), Integer.toString(full.partitionsRead()), Long.toString(incBytes),
        Long.toString(fullBytes), Long.toString(tableBytes), Integer.toString(inc.windows()), Integer.toString(full.windows()),
        Boolean.toString(identical), metricSet.name(), Integer.toString(inc.deltaWindows()));
    results.appendCsv("incremental-vs-full.csv", "run_at,rows,days,batch,late,late_days,load_ms,upsert_ms,incremental_ms,"
        + "full_ms,time_ratio,incremental_records_read,full_records_read,record_ratio,incremental_partitions,"
        + "full_partitions,incremental_bytes_read,full_bytes_read,table_bytes,windows_incremental,windows_full,identical,"
        + "metrics,delta_windows", List.of(row));
    String md = """
        # Incremental vs full metric recompute

        Command: `bench/run incremental-vs-full --rows %d --days %d --batch %d --late-fraction %s --late-days %d --metrics %s`

        | | incremental | full (baseline, same process) | ratio |
        |---|---|---|---|
        | wall time | %d ms | %d ms | %.3f |
        | event records read | %d | %d | %.3f |
        | partitions read | %d | %d | |
        | bytes read (changed file groups + snapshot slices) | %d | %d | %.3f |
        | windows recomputed (incremental: %d of them by delta) | %d | %d | |

        Table: %d rows over %d days, %d bytes. Batch: %d events, %d late over the last %d days; upsert %d ms.
        Identical metrics: **%s**. Initial load (bulk insert) %d ms. Both passes ran once on a small scratch table first (JIT warm-up).
        Incremental stages (ms): %s. Full: %s.
        """.formatted(rows, days, batch, Double.toString(lateFraction), lateDays, metricSet, incMs, fullMs, timeRatio,
        inc.snapshotRecords(), full.snapshotRecords(), readRatio, inc.partitionsRead(), full.partitionsRead(), incBytes,
        fullBytes, incBytes / (double) fullBytes, inc.deltaWindows(), inc.windows(), full.windows(), perDay * days, days, tableBytes, batch, late,
        lateDays, upsertMs, identical ? "yes" : "NO", loadMs, inc.stageMillis(), full.stageMillis());
    results.writeMarkdown("incremental-vs-full" + (metricSet == MetricSet.exact ? "" : "-" + metricSet) + ".md", md, false);
    System.out.println(md);
    return identical ? 0 : 1;
  }

  /**
   * One measured load, batch, incremental pass and full pass on the tables under {@code w}; with more
   * than one round, the reports and times are the first round's and the tables the last round's.
   */
  private record Round(PipelineSpec live, MetricWindowRecompute liveMetrics, MetricWindowRecompute fullMetrics,
      RecomputeReport inc, RecomputeReport full, long loadMs, long upsertMs, long incMs, long fullMs, int late) {}

  private Round round(Path w, Configuration conf, long rows, int batch, int passes) throws Exception {
    Files.createDirectories(w);
    writeSchema(w);
    PipelineSpec live = spec(w, "bench", metricSet);
    PipelineSpec fresh = spec(w, "bench_full", metricSet);
    MiniBatch mb = new MiniBatch(live, conf);
    Schema schema = mb.tableSchema();
    HudiWriter writer = new HudiWriter(mb.events(), schema);
    long t0 = Instant.parse("2024-04-01T00:00:00Z").toEpochMilli();
    SplittableRandom rnd = new SplittableRandom(7);

    long perDay = rows / days;
    long loadStart = System.nanoTime();
    long id = 0;
    for (int d = 0; d < days; d++) {
      List<GenericRecord> chunk = new ArrayList<>((int) perDay);
      for (long i = 0; i < perDay; i++) {
        chunk.add(event(schema, rnd, id++, t0 + d * DAY + rnd.nextLong(DAY)));
      }
      writer.bulkInsert(chunk, Map.of());
      progress("load", d + 1, days);
    }
    long loadMs = (System.nanoTime() - loadStart) / 1_000_000;
    MetricWindowRecompute liveMetrics = new MetricWindowRecompute(live, conf);
    liveMetrics.full(null, null);
    progress("initial full recompute", 1, 1);

    List<GenericRecord> batchRecords = new ArrayList<>(batch);
    long today = t0 + days * DAY;
    int late = 0;
    for (int i = 0; i < batch; i++) {
      boolean isLate = rnd.nextDouble() < lateFraction;
      long ts = isLate ? today - 1 - rnd.nextLong(lateDays * DAY) : today + rnd.nextLong(DAY / 24);
      late += isLate ? 1 : 0;
      batchRecords.add(event(schema, rnd, id++, ts));
    }
    long upsertStart = System.nanoTime();
    writer.upsert(batchRecords, Map.of(), null);
    long upsertMs = (System.nanoTime() - upsertStart) / 1_000_000;
    progress("batch upsert", 1, 1);

    Path liveDir = LateDataBench.localDir(live.metricsBasePath());
    Path freshDir = LateDataBench.localDir(fresh.metricsBasePath());
    if (passes > 1) {
      LateDataBench.copyTree(conf, liveDir, LateDataBench.pristine(liveDir));
    }
    long[] incMs = new long[passes];
    long[] fullMs = new long[passes];
    RecomputeReport inc = null;
    RecomputeReport full = null;
    MetricWindowRecompute fullMetrics = null;
    for (int p = 0; p < passes; p++) {
      if (p > 0) {
        // The metrics as they were before the batch, so the pass has the same work again; the full one starts empty.
        LateDataBench.copyTree(conf, LateDataBench.pristine(liveDir), liveDir);
        deleteTree(freshDir);
        liveMetrics = new MetricWindowRecompute(live, conf);
      }
      System.gc();
      long incStart = System.nanoTime();
      RecomputeReport incP = liveMetrics.incremental();
      incMs[p] = (System.nanoTime() - incStart) / 1_000_000;
      inc = p == 0 ? incP : inc;
      progress("incremental recompute", p + 1, passes);

      System.gc();
      fullMetrics = new MetricWindowRecompute(fresh, conf);
      long fullStart = System.nanoTime();
      RecomputeReport fullP = fullMetrics.full(null, null);
      fullMs[p] = (System.nanoTime() - fullStart) / 1_000_000;
      full = p == 0 ? fullP : full;
      progress("full recompute", p + 1, passes);
    }
    if (passes > 1) {
      reportRounds(incMs, fullMs, rows, late);
    }
    return new Round(live, liveMetrics, fullMetrics, inc, full, loadMs, upsertMs, incMs[0], fullMs[0], late);
  }

  /** Each round's times and ratio, and the median ratio. */
  private void reportRounds(long[] incMs, long[] fullMs, long tableRows, int late) throws java.io.IOException {
    double[] ratios = new double[incMs.length];
    List<String> csv = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Incremental vs full metric recompute: " + incMs.length + " rounds\n\n"
        + "Command: `bench/run incremental-vs-full --rows " + rows + " --days " + days + " --batch " + batch
        + " --late-fraction " + lateFraction + " --late-days " + lateDays + " --metrics " + metricSet + " --rounds "
        + incMs.length + "`\n\nTable: " + tableRows + " rows over " + days + " days. Batch: " + batch + " events, " + late
        + " late. Each round restores the metrics table to its state before the batch and runs the incremental pass,"
        + " then a full pass into an empty table.\n\n| round | incremental | full | time ratio |\n|---|---|---|---|\n");
    for (int i = 0; i < incMs.length; i++) {
      ratios[i] = incMs[i] / (double) fullMs[i];
      md.append(String.format("| %d | %d ms | %d ms | %.3f |%n", i + 1, incMs[i], fullMs[i], ratios[i]));
      csv.add(String.join(",", Instant.now().toString(), Long.toString(tableRows), Integer.toString(days),
          Integer.toString(batch), Integer.toString(late), metricSet.name(), Integer.toString(i + 1),
          Long.toString(incMs[i]), Long.toString(fullMs[i]), String.format("%.4f", ratios[i])));
    }
    md.append(String.format("%nMedian time ratio over %d rounds: **%.3f** (rounds %.3f to %.3f).%n", incMs.length,
        new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(ratios),
        java.util.Arrays.stream(ratios).min().orElseThrow(), java.util.Arrays.stream(ratios).max().orElseThrow()));
    results.appendCsv("incremental-vs-full-rounds.csv", "run_at,rows,days,batch,late,metrics,round,incremental_ms,"
        + "full_ms,time_ratio", csv);
    results.writeMarkdown("incremental-vs-full-rounds" + (metricSet == MetricSet.exact ? "" : "-" + metricSet) + ".md",
        md.toString(), false);
    System.out.println(md);
  }

  static GenericRecord event(Schema schema, SplittableRandom rnd, long id, long ts) {
    GenericData.Record r = new GenericData.Record(schema);
    r.put("event_id", "e" + id);
    r.put("user_id", "u" + rnd.nextInt(50_000));
    r.put("country", COUNTRIES[rnd.nextInt(COUNTRIES.length)]);
    r.put("platform", PLATFORMS[rnd.nextInt(PLATFORMS.length)]);
    boolean order = rnd.nextDouble() < 0.05;
    r.put("event_type", order ? "order" : rnd.nextDouble() < 0.2 ? "click" : "view");
    r.put("amount", order ? Math.round(rnd.nextDouble() * 20000) / 100.0 : null);
    r.put("latency_ms", 20L + rnd.nextInt(800));
    r.put("event_time", ts);
    r.put("updated_at", ts);
    r.put(EventSchemas.INGESTED_AT, ts);
    r.put(EventSchemas.SOURCE_FILE, "bench");
    r.put(EventSchemas.IS_DELETED, false);
    r.put(EventSchemas.DT, EventSchemas.day(ts));
    return r;
  }

  /** The benchmark events' Avro schema, as e.avsc in {@code w}. */
  static void writeSchema(Path w) throws IOException {
    Files.writeString(w.resolve("e.avsc"), """
        {"type":"record","name":"Event","fields":[
          {"name":"event_id","type":"string"},
          {"name":"user_id","type":"string"},
          {"name":"country","type":"string"},
          {"name":"platform","type":"string"},
          {"name":"event_type","type":"string"},
          {"name":"amount","type":["null","double"],"default":null},
          {"name":"latency_ms","type":"long"},
          {"name":"event_time","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"updated_at","type":"long"}]}""");
  }

  private static PipelineSpec spec(Path w, String name, MetricSet metricSet) throws IOException {
    Path f = w.resolve(name + ".yaml");
    Files.writeString(f, """
        name: %s
        work-dir: %s
        source:
          schema: e.avsc
        table:
          name: bench_events
          record-key: [event_id]
          ordering-field: updated_at
          event-time-field: event_time
        metrics:
          allowed-lateness: 1h
          definitions:
        %s""".formatted(name, w, metricSet.yaml));
    return SpecLoader.load(f);
  }

  private static void progress(String what, int done, int total) {
    System.err.printf("[bench] %s %d/%d%n", what, done, total);
  }

  static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (var s = Files.walk(p)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
  }
}
