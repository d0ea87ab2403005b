package io.sluice.cli;

import io.sluice.cli.demo.DemoEvents;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.util.HadoopConfs;
import io.sluice.incremental.MetricRows;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.RecomputeReport;
import io.sluice.upserts.BatchReport;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.QuarantineTable;
import io.sluice.upserts.SnapshotReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Generate realistic click/order events (late data, duplicates, updates, deletes, malformed lines,",
        "an Android outage) and run mini-batches end to end on the local filesystem. Prints a summary and",
        "verifies the table against what was generated; exit code 1 if they differ."})
final class DemoCommand implements Callable<Integer> {
  private static final String MARKER = ".sluice-demo";

  @Option(names = "--dir", defaultValue = "sluice-demo", description = "Work directory, recreated on each run (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--batches", defaultValue = "6", description = "Mini-batches to run (default: ${DEFAULT-VALUE})")
  int batches;

  @Option(names = "--events-per-batch", defaultValue = "1000", description = "New events per batch (one hour of event time) at the mean rate (default: ${DEFAULT-VALUE})")
  int eventsPerBatch;

  @Option(names = "--history-days", defaultValue = "8",
      description = "Days of history loaded before the live batches, so the checks have baselines (default: ${DEFAULT-VALUE})")
  int historyDays;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--json", description = "Print the summary as one JSON document")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Also log each stage's INFO line to stderr")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    if (!verbose) {
      // The summary table already shows every stage; keep stderr for warnings.
      org.apache.logging.log4j.core.config.Configurator.setLevel("io.sluice", org.apache.logging.log4j.Level.WARN);
    }
    Path work = prepare(dir.toAbsolutePath().normalize());
    PipelineSpec spec = SpecLoader.load(work.resolve("conf/demo.yaml"));
    Configuration conf = HadoopConfs.of(spec);
    FileSystem fs = FileSystem.get(java.net.URI.create(spec.source().landingDir()), conf);
    org.apache.hadoop.fs.Path landing = new org.apache.hadoop.fs.Path(spec.source().landingDir());
    fs.mkdirs(landing);

    // Live batches start yesterday 06:00 UTC, after --history-days of hourly history; the outage hits
    // Android in the third live batch's hour. Checks run on simulated time: each batch lands 5 minutes
    // after the hour it covers.
    int history = historyDays * 24;
    Instant live = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofHours(18));
    Instant start = live.minus(Duration.ofHours(history));
    DemoEvents.Config cfg = DemoEvents.Config.defaults(start).withSeed(seed).withEventsPerBatch(eventsPerBatch)
        .withIncident(new DemoEvents.Incident(live.plus(Duration.ofHours(2)), live.plus(Duration.ofHours(3)), "android"));
    DemoEvents gen = new DemoEvents(cfg);
    SimulatedClock clock = new SimulatedClock(start);
    PipelineRun run = new PipelineRun(spec, conf, clock);
    PrintStream out = System.out;
    List<io.sluice.checks.CheckResult> findings = new ArrayList<>();
    List<io.sluice.checks.MetricAnomalyCheck.ScoredSeries> scored = new ArrayList<>();
    io.sluice.hive.MetastoreSync.Report lastSync = null;
    long historyIn = 0;
    long historyGood = 0;
    long historyQuarantined = 0;
    int historyRuns = 0;
    if (history > 0) {
      long t0 = System.nanoTime();
      for (int h = 0; h < history; h++) {
        gen.writeBatch(h, fs, landing);
      }
      clock.set(live.plus(Duration.ofMinutes(5)));
      PipelineRun.Report hr;
      do {
        hr = run.once();
        historyIn += hr.upsert().recordsIn();
        historyGood += hr.upsert().good();
        historyQuarantined += hr.upsert().quarantined();
        historyRuns++;
        if (!json) {
          out.printf("history: %d of %d hourly files loaded (%d events)%n", Math.min(history, historyRuns
              * spec.source().maxFilesPerBatch()), history, historyIn);
        }
      } while (hr.upsert().backlogFiles() > 0);
      if (!json) {
        out.printf("history: %d days, %d events in %d mini-batches, %.1f s%n%n", historyDays, historyIn, historyRuns,
            (System.nanoTime() - t0) / 1e9);
      }
    }
    if (!json) {
      out.printf("Sluice demo: %d mini-batches of click/order events into %s%n", batches, work);
      out.printf("%-5s %5s %7s %7s %5s %5s %5s %5s %7s %6s %6s %5s %6s %6s %5s %s%n", "batch", "files", "in", "good", "quar",
          "late", "dups", "upd", "inserts", "updts", "dels", "parts", "windws", "mrows", "lateC", "ms: list/read/quarantine/write/commit");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Long> totalMs = new LinkedHashMap<>();
    TreeSet<String> partitions = new TreeSet<>();
    long in = 0, good = 0, quar = 0, ins = 0, upd = 0, del = 0, late = 0, dups = 0, commits = 0;
    long windows = 0, deltaWindows = 0, metricRows = 0, lateCorrections = 0;
    for (int i = 0; i < batches; i++) {
      DemoEvents.BatchStats g = gen.writeBatch(history + i, fs, landing);
      clock.set(live.plus(Duration.ofHours(i + 1)).plus(Duration.ofMinutes(5)));
      PipelineRun.Report both = run.once();
      if (both.sync() != null) {
        lastSync = both.sync();
      }
      if (both.checks() != null) {
        findings.addAll(both.checks().failures());
        scored.clear();
        scored.addAll(both.checks().series());
      }
      BatchReport r = both.upsert();
      RecomputeReport mr = both.metrics();
      windows += mr.windows();
      deltaWindows += mr.deltaWindows();
      metricRows += mr.rowsWritten();
      lateCorrections += mr.lateCorrections();
      in += r.recordsIn();
      good += r.good();
      quar += r.quarantined();
      ins += r.inserts();
      upd += r.updates();
      del += r.deletedKeys();
      late += g.late();
      dups += g.duplicates();
      commits += r.eventsInstant() == null ? 0 : 1;
      partitions.addAll(r.partitions());
      r.stageMillis().forEach((k, v) -> totalMs.merge(k, v, Long::sum));
      mr.stageMillis().forEach((k, v) -> totalMs.merge("metrics." + k, v, Long::sum));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("batch", i);
      row.put("generated", g);
      row.put("report", r);
      row.put("metrics", mr);
      rows.add(row);
      if (!json) {
        out.printf("%-5d %5d %7d %7d %5d %5d %5d %5d %7d %6d %6d %5d %6d %6d %5d %s%n", i, r.files(), r.recordsIn(), r.good(),
            r.quarantined(), g.late(), g.duplicates(), g.updates(), r.inserts(), r.updates(), r.deletedKeys(),
            r.partitions().size(), mr.windows(), mr.rowsWritten(), mr.lateCorrections(),
            String.join("/", r.stageMillis().values().stream().map(String::valueOf).toList()));
      }
    }
    in += historyIn;
    good += historyGood;
    quar += historyQuarantined;
    MiniBatch mb = run.miniBatch();
    List<GenericRecord> table = new SnapshotReader(mb.events(), mb.tableSchema()).read(null);
    List<GenericRecord> quarantined = new SnapshotReader(mb.quarantine().table(), QuarantineTable.SCHEMA).read(null);
    Map<String, Long> actual = new TreeMap<>();
    table.forEach(r -> actual.put(r.get("event_id").toString(), (Long) r.get("updated_at")));
    Map<String, Long> expected = gen.expectedLive();
    // The complete view: a from-scratch recompute into a scratch table must equal the incremental one.
    PipelineSpec check = SpecLoader.load("demo check", Files.readString(work.resolve("conf/demo.yaml"))
        .replace("name: demo\n", "name: demo_check\n"), work.resolve("conf"), work);
    MetricWindowRecompute fullView = new MetricWindowRecompute(check, conf);
    fullView.full(null, null);
    var incrementalRows = MetricRows.canonical(run.metrics().metricsTable());
    boolean metricsMatch = incrementalRows.equals(MetricRows.canonical(fullView.metricsTable()));
    boolean matches = actual.equals(expected) && quarantined.size() == quar && in == good + quar && metricsMatch;
    Map<String, Long> tableRowsPerPartition = new TreeMap<>();
    table.forEach(r -> tableRowsPerPartition.merge(r.get("dt").toString(), 1L, Long::sum));

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("work_dir", work.toString());
    summary.put("records_in", in);
    summary.put("good", good);
    summary.put("quarantined", quar);
    summary.put("inserts", ins);
    summary.put("updates", upd);
    summary.put("deletes", del);
    summary.put("late_events", late);
    summary.put("duplicates_delivered", dups);
    summary.put("commits", commits);
    summary.put("partitions_touched", partitions);
    summary.put("stage_millis", totalMs);
    summary.put("table_rows", table.size());
    summary.put("table_rows_per_partition", tableRowsPerPartition);
    summary.put("expected_rows", expected.size());
    summary.put("metric_windows_recomputed", windows);
    summary.put("metric_windows_by_delta", deltaWindows);
    summary.put("metric_rows_written", metricRows);
    summary.put("metric_rows", incrementalRows.size());
    summary.put("late_corrections", lateCorrections);
    summary.put("metrics_match_full_recompute", metricsMatch);
    summary.put("table_matches_expected", matches);
    summary.put("history_events", historyIn);
    summary.put("metastore_sync", lastSync);
    io.sluice.checks.report.HtmlReport.Summary report = new io.sluice.checks.report.HtmlReport(spec, conf)
        .write(work.resolve("report.html"), 2, clock);
    summary.put("report", report.file().toString());
    summary.put("check_findings", findings);
    var models = new io.sluice.checks.records.RecordModelStore(spec.checksStateDir(), conf);
    var recordModel = spec.checks().records().enabled() ? models.latest().orElse(null) : null;
    var recordRun = recordModel == null ? null : models.lastSummary().orElse(null);
    if (recordRun != null) {
      summary.put("record_scoring", Map.of("model", recordModel.toString(), "fingerprint", recordModel.fingerprint(),
          "last_run", recordRun));
    }
    if (json) {
      summary.put("batches", rows);
      Output.json(out, summary);
    } else {
      out.println();
      out.printf("records in     %d = %d good + %d quarantined%s%n", in, good, quar, in == good + quar ? "" : "  (MISMATCH)");
      out.printf("written        %d inserts, %d updates, %d deletes in %d commits%n", ins, upd, del, commits);
      out.printf("late events    %d generated; partitions touched %d: %s%n", late, partitions.size(), String.join(" ", partitions));
      out.printf("time per stage %s%n", Output.millis(totalMs));
      out.printf("table          %s: %d live rows %s%n", spec.table().name(), table.size(), tableRowsPerPartition);
      out.printf("quarantine     %s: %d rows", spec.quarantineTableName(), quarantined.size());
      quarantined.stream().limit(4).forEach(q -> out.printf("%n  line %s of %s: %s", q.get("line"),
          new org.apache.hadoop.fs.Path(q.get("source_file").toString()).getName(), q.get("error")));
      out.println();
      out.printf("metrics        %s: %d rows; %d window recomputes (%d by delta, no events read) wrote %d rows;"
          + " %d late corrections%n", spec.metricsTableName(), incrementalRows.size(), windows, deltaWindows, metricRows,
          lateCorrections);
      incrementalRows.values().stream().filter(m -> "revenue_by_country".equals(m.get("metric")))
          .sorted(java.util.Comparator.comparing(m -> -((Long) m.get("count")))).limit(3).forEach(m ->
          out.printf("  %s %s %s: %s orders, revenue %s, complete %s%n", m.get("metric"),
              java.time.Instant.ofEpochMilli((Long) m.get("window_start")), m.get("dims"), m.get("count"),
              m.get("sum_amount"), m.get("is_complete")));
      out.printf("check          table holds exactly the %d events generated (latest version, deletes applied): %s%n",
          expected.size(), actual.equals(expected) ? "yes" : "NO");
      out.printf("check          incremental metrics equal a full recompute, row for row: %s%n", metricsMatch ? "yes" : "NO");
      out.printf("checks         %d findings at warn or above over the live batches (%s)%n", findings.size(),
          spec.checkResultsTableName());
      findings.stream().limit(8).forEach(f -> out.printf("  %-8s %-16s %s%n",
          f.severity().toUpperCase(java.util.Locale.ROOT), f.check(), f.message()));
      if (recordRun != null) {
        long flaggedAll = findings.stream().filter(f -> f.check().equals(io.sluice.checks.records.RecordOutlierCheck.CHECK))
            .count();
        out.printf("records        %s; %d windows with outlier records over the live batches; last run scored %d"
            + " changed events, %d at or above %.2f%n", recordModel, flaggedAll, recordRun.scored(), recordRun.flagged(),
            recordRun.threshold());
        recordRun.top().stream().limit(3).forEach(r -> out.printf("  %.3f %s %s%n", r.score(), r.key(),
            r.why().entrySet().stream().limit(3).map(e -> e.getKey() + " " + Math.round(100 * e.getValue()) + "%").toList()));
      }
      if (lastSync != null) {
        out.printf("metastore      %d tables synced to the %s Hive metastore (database %s)%s%n", lastSync.tables().size(),
            spec.hive().embedded() ? "embedded (Derby under " + work.resolve("metastore") + ")" : spec.hive().metastoreUris(),
            spec.hive().database(), lastSync.ok() ? "" : "; FAILED: " + lastSync.failed());
      }
      out.printf("report         %s (%d charts)%n", report.file(), report.charts());
      out.printf("%nTables are under %s/tables; rerun with --json for machine-readable output.%n", work);
    }
    return matches ? 0 : 1;
  }

  /** Recreates the demo dir (only one the demo made) and writes the demo spec and schema into it. */
  private static Path prepare(Path work) throws IOException {
    if (Files.exists(work)) {
      if (!Files.exists(work.resolve(MARKER))) {
        throw new SluiceException(work + " exists and was not created by 'sluice demo'; choose another --dir");
      }
      try (var paths = Files.walk(work)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(work.resolve("conf"));
    Files.writeString(work.resolve(MARKER), "created by sluice demo\n");
    String yaml = resource("conf/demo.yaml").replace("work-dir: sluice-demo", "work-dir: " + work);
    Files.writeString(work.resolve("conf/demo.yaml"), yaml);
    Files.writeString(work.resolve("conf/demo.avsc"), resource("conf/demo.avsc"));
    return work;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new SluiceException("resource " + name + " missing from the distribution; rebuild with mvn package");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
