package io.sluice.bench;

import io.sluice.checks.ChecksReport;
import io.sluice.checks.ChecksStage;
import io.sluice.cli.demo.DemoEvents;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.util.HadoopConfs;
import io.sluice.incremental.ChangeSetCache;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.RecomputeReport;
import io.sluice.upserts.BatchReport;
import io.sluice.upserts.MiniBatch;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 7 (d): one 5-minute mini-batch at 10K events/s (3M events in JSON-lines landing files, with
 * the demo generator's late events, re-deliveries, updates, deletes and malformed lines) through
 * ingest, upsert, incremental metrics and checks, after a warm-up batch that creates the tables.
 * Reports wall and CPU time per stage, peak heap, and the share of the interval the batch is busy;
 * the baseline in the same process is reading and parsing the same landing files, the floor of ingest.
 */
@Command(name = "end-to-end", mixinStandardHelpOptions = true,
    description = "A 3M-event 5-minute mini-batch end to end: wall, CPU, peak heap and busy share of the interval")
final class EndToEndBench implements Callable<Integer> {
  @Option(names = "--events", defaultValue = "3000000", description = "Events in the measured batch (default ${DEFAULT-VALUE})")
  int events;

  @Option(names = "--interval", defaultValue = "PT5M", description = "Mini-batch interval (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(names = "--warmup-events", defaultValue = "300000", description = "Events in the warm-up batch (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--type", defaultValue = "cow", description = "Table type, cow or mor (default ${DEFAULT-VALUE})")
  String type;

  @Option(names = "--records", description = "Also score records (checks.records.enabled)")
  boolean records;

  @Option(names = "--work", defaultValue = "target/bench-e2e", description = "Scratch directory, recreated")
  Path work;

  @Mixin ResultsDir results = new ResultsDir();

  @Override
  public Integer call() throws Exception {
    Path w = work.toAbsolutePath();
    IncrementalVsFullBench.deleteTree(w);
    Files.createDirectories(w);
    Path root = Path.of(System.getProperty("sluice.repo.root", "."));
    Files.copy(root.resolve("conf/demo.avsc"), w.resolve("demo.avsc"));
    String yaml = Files.readString(root.resolve("conf/demo.yaml"))
        .replace("work-dir: sluice-demo", "work-dir: " + w)
        .replace("type: cow", "type: " + type)
        .replace("max-files-per-batch: 50", "max-files-per-batch: 1000")
        .replace("    enabled: true\n    entity: user_id", "    enabled: " + records + "\n    entity: user_id")
        + "hive:\n  sync: false\n";
    Path specFile = w.resolve("e2e.yaml");
    Files.writeString(specFile, yaml);
    PipelineSpec spec = SpecLoader.load(specFile);
    Configuration conf = HadoopConfs.of(spec);
    org.apache.hadoop.fs.Path landing = new org.apache.hadoop.fs.Path(spec.source().landingDir());
    FileSystem fs = landing.getFileSystem(conf);
    fs.mkdirs(landing);

    Instant start = Instant.parse("2026-11-20T18:00:00Z");
    // The generator keeps every event it made (for re-deliveries and updates): gigabytes at 3M, so it
    // runs in its own JVM and the heap measured here is the pipeline's alone.
    org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(w.resolve("generated").toUri());
    Process gen = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + Math.max(2, (long) Math.ceil(events / 1_000_000.0 * 1.6)) + "g",
        "-cp", System.getProperty("java.class.path"), Generate.class.getName(), staged.toString(),
        Integer.toString(events), Integer.toString(warmup), interval.toString(), start.toString())
        .inheritIO().start();
    if (gen.waitFor() != 0) {
      throw new IllegalStateException("event generation failed with exit code " + gen.exitValue());
    }
    DemoEvents.BatchStats measured = Generate.stats(staged, fs);
    moveBatch(fs, staged, landing, "events-00000");
    System.err.printf("[bench] warm-up batch landed; running it%n");
    runBatch(spec, conf, start);
    moveBatch(fs, staged, landing, "events-00001");
    System.err.printf("[bench] measured batch written: %,d lines in %d files%n", measured.lines(), measured.files());

    // Baseline in the same process: read and parse every landing line of the batch as JSON.
    long tb = System.nanoTime();
    long parsed = 0;
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (var st : fs.listStatus(landing)) {
      if (st.getPath().getName().startsWith("events-00001")) {
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(st.getPath()),
            java.nio.charset.StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
              json.readTree(line);
              parsed++;
            } catch (java.io.IOException e) {
              // malformed lines are part of the batch
            }
          }
        }
      }
    }
    long parseMs = (System.nanoTime() - tb) / 1_000_000;

    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
    AtomicLong peakUsed = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Map<String, Long> stageMs = runBatch(spec, conf, start.plus(interval));
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
    sampler.interrupt();
    long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    long maxHeap = Runtime.getRuntime().maxMemory();
    double busy = wallMs / (double) interval.toMillis();
    double eps = measured.lines() / (wallMs / 1000.0);

    results.appendCsv("end-to-end.csv", "run_at,type,records_scoring,lines,files,wall_ms,cpu_ms,events_per_s,busy_share,"
        + "peak_heap_sampled_mb,heap_pool_peaks_mb,max_heap_mb,parse_baseline_ms,wall_vs_parse_baseline,stage_ms",
        List.of(String.format(java.util.Locale.ROOT, "%s,%s,%b,%d,%d,%d,%d,%.0f,%.3f,%d,%d,%d,%d,%.2f,\"%s\"",
            Instant.now(), type, records, measured.lines(), measured.files(), wallMs, cpuMs, eps, busy,
            peakUsed.get() >> 20, poolPeaks >> 20, maxHeap >> 20, parseMs, wallMs / (double) parseMs, stageMs)));
    StringBuilder md = new StringBuilder("# End to end: one " + interval.toMinutes() + "-minute mini-batch\n\n"
        + "Command: `bench/run end-to-end --events " + events + " --type " + type + (records ? " --records" : "")
        + "` (JVM " + (maxHeap >> 20) + " MB max heap; " + ResultsDir.jvmFlags() + ")\n\n");
    md.append(String.format(java.util.Locale.ROOT, "Batch: %,d landing lines in %d JSON-lines files (%,d late, %,d re-delivered,"
            + " %,d updates, %,d deletes, %d malformed), after a %,d-event warm-up batch.%n%n", measured.lines(),
        measured.files(), measured.late(), measured.duplicates(), measured.updates(), measured.deletes(),
        measured.malformed(), warmup));
    md.append("| figure | value |\n|---|---|\n");
    md.append(String.format(java.util.Locale.ROOT, "| wall time | %.1f s |%n| CPU time | %.1f s (%.2f cores busy on average) |%n"
            + "| throughput | %,.0f events/s |%n| share of the %d-minute interval busy | %.0f%% |%n"
            + "| peak heap used (sampled every 20 ms) | %,d MB |%n| parse-only baseline (same files, Jackson) | %.1f s; end to end is %.1fx it |%n",
        wallMs / 1000.0, cpuMs / 1000.0, cpuMs / (double) wallMs, eps, interval.toMinutes(), 100 * busy,
        peakUsed.get() >> 20, parseMs / 1000.0, wallMs / (double) parseMs));
    md.append("\nWhere the time goes (ms): ").append(stageMs).append('\n');
    results.writeMarkdown("end-to-end" + (records ? "-records" : "") + "-" + type + ".md", md.toString(), false);
    System.out.println(md);
    return 0;
  }

  private static void moveBatch(FileSystem fs, org.apache.hadoop.fs.Path from, org.apache.hadoop.fs.Path to,
                                String prefix) throws java.io.IOException {
    for (var st : fs.listStatus(from)) {
      if (st.getPath().getName().startsWith(prefix)) {
        fs.rename(st.getPath(), new org.apache.hadoop.fs.Path(to, st.getPath().getName()));
      }
    }
  }

  /** Writes the warm-up and the measured batch's landing files; run in its own JVM. */
  public static final class Generate {
    public static void main(String[] a) throws Exception {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(a[0]);
      int events = Integer.parseInt(a[1]);
      int warmup = Integer.parseInt(a[2]);
      Duration interval = Duration.parse(a[3]);
      Instant start = Instant.parse(a[4]);
      FileSystem fs = dir.getFileSystem(new Configuration());
      fs.mkdirs(dir);
      DemoEvents.Config d = DemoEvents.Config.defaults(start.minus(interval));
      DemoEvents g = new DemoEvents(new DemoEvents.Config(d.seed(), d.start(), interval, events, d.lateFraction(),
          d.duplicateFraction(), d.updateFraction(), d.deleteFraction(), d.malformedPerBatch(), null));
      g.writeBatch(0, fs, dir, (int) Math.round(warmup / DemoEvents.seasonality(start.minus(interval.dividedBy(2)))));
      DemoEvents.BatchStats b = g.writeBatch(1, fs, dir,
          (int) Math.round(events / DemoEvents.seasonality(start.plus(interval.dividedBy(2)))));
      try (var out = fs.create(new org.apache.hadoop.fs.Path(dir, "_stats.json"))) {
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue((java.io.OutputStream) out, b);
      }
    }

    static DemoEvents.BatchStats stats(org.apache.hadoop.fs.Path dir, FileSystem fs) throws java.io.IOException {
      try (var in = fs.open(new org.apache.hadoop.fs.Path(dir, "_stats.json"))) {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue((java.io.InputStream) in, DemoEvents.BatchStats.class);
      }
    }
  }

  private static Map<String, Long> runBatch(PipelineSpec spec, Configuration conf, Instant now) {
    Map<String, Long> ms = new LinkedHashMap<>();
    long t = System.nanoTime();
    BatchReport b = new MiniBatch(spec, conf).runOnce();
    ms.put("ingest+upsert", (System.nanoTime() - t) / 1_000_000);
    b.stageMillis().forEach((k, v) -> ms.put("  upsert." + k, v));
    t = System.nanoTime();
    ChangeSetCache changes = new ChangeSetCache();   // as PipelineRun: checks reuse the changes metrics read
    RecomputeReport m = new MetricWindowRecompute(spec, conf).withChangeCache(changes).incremental();
    ms.put("incremental", (System.nanoTime() - t) / 1_000_000);
    m.stageMillis().forEach((k, v) -> ms.put("  incremental." + k, v));
    t = System.nanoTime();
    ChecksReport c = new ChecksStage(spec, conf).withClock(Clock.fixed(now.plusSeconds(60), ZoneOffset.UTC))
        .withChangeCache(changes).run();
    ms.put("checks", (System.nanoTime() - t) / 1_000_000);
    c.stageMillis().forEach((k, v) -> ms.put("  checks." + k, v));
    System.err.printf("[bench] batch: %d records in, %d good, %d windows recomputed, %d findings; ms %s%n",
        b.recordsIn(), b.good(), m.windows(), c.results().size(), ms);
    return ms;
  }
}
