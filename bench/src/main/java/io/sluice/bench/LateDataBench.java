package io.sluice.bench;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.upserts.CommitResult;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.HudiWriter;
import io.sluice.upserts.MiniBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.fs.FSUtils;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.model.WriteOperationType;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.timeline.TimelineUtils;
import org.apache.hudi.common.table.view.HoodieTableFileSystemView;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 7 (b): one batch whose late events touch every day of a 30-day table. Sluice's upsert (COW and
 * MOR) against the classic Hive way, measured in the same process: read every touched partition, merge the
 * batch in by key, rewrite the partition. Reports time and bytes written (write amplification).
 */
@Command(name = "late-data", mixinStandardHelpOptions = true,
    description = "Late data: Sluice upsert (COW, MOR) vs rewriting every touched Hive partition")
final class LateDataBench implements Callable<Integer> {
  static final long DAY = 86_400_000L;

  @Option(names = "--rows", defaultValue = "3000000", description = "Rows in the table before the batch (default ${DEFAULT-VALUE})")
  long rows;

  @Option(names = "--days", defaultValue = "30", description = "Days the table covers (default ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--batch", defaultValue = "200000", description = "Events in the batch (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--late-fraction", defaultValue = "0.01", description = "Share of the batch that is late (default ${DEFAULT-VALUE})")
  double lateFraction;

  @Option(names = "--work", defaultValue = "target/bench-late", description = "Scratch directory, recreated")
  Path work;

  @Option(names = "--approaches", split = ",", defaultValue = "cow,mor,mor-hudi-bloom",
      description = "Sluice variants to run against the Hive rewrite, any of cow, mor, mor-hudi-bloom, "
          + "mor-no-clustering (default ${DEFAULT-VALUE})")
  List<String> approaches;

  @Option(names = "--batches", defaultValue = "1",
      description = "Batches in a row, each with its own late events; over 1 also reports the run's totals, "
          + "table services included, in late-data-batches.* (default ${DEFAULT-VALUE})")
  int batches;

  @Option(names = "--rounds", defaultValue = "1",
      description = {"Measure the first batch this many times: each approach and the Hive rewrite take turns on",
          "fresh copies of their loaded tables, and each round's time ratio and the median are reported in",
          "late-data-rounds.*, so one slow moment of this machine does not decide the ratio (default ${DEFAULT-VALUE})"})
  int rounds;

  @Mixin ResultsDir results = new ResultsDir();

  /** A Sluice table set-up under test: its table name, type and extra spec lines. */
  record Variant(String table, String type, String extra) {}

  static final Map<String, Variant> VARIANTS = Map.of(
      "cow", new Variant("late_cow", "cow", ""),
      "mor", new Variant("late_mor", "mor", ""),
      // MOR with Hudi's default initial bloom filter size and false-positive rate: the before/after of Sluice's choice.
      "mor-hudi-bloom", new Variant("late_mor_bloom", "mor",
          "hudi:\n  hoodie.index.bloom.num_entries: \"60000\"\n  hoodie.index.bloom.fpp: \"0.000000001\"\n"),
      "mor-no-clustering", new Variant("late_mor_nocl", "mor", "hudi:\n  hoodie.clustering.inline: \"false\"\n"));

  @Option(names = "--rewrite-threads", defaultValue = "1",
      description = "Partitions the Hive rewrite reads, merges and writes at once; Sluice's upsert writes on "
          + "every core (default ${DEFAULT-VALUE}: one partition after another, as the figures in the README)")
  int rewriteThreads;

  @Option(names = "--cold", description = "Measure in a cold JVM; by default every approach, the Hive rewrite too, "
      + "first runs one small load and late batch on scratch tables so the measured batch is not the one that "
      + "JIT-compiles its code")
  boolean cold;

  record Outcome(String approach, long millis, long bytesWritten, int partitions) {}

  /** A run of several batches: wall time of the writes and of the table services they ran inline. */
  record Run(String approach, long millis, long maxMillis, long bytesWritten, int clusterings, int compactions,
             long fileGroups, long maxFileGroupsPerDay) {}

  @Override
  public Integer call() throws Exception {
    Path w = work.toAbsolutePath();
    IncrementalVsFullBench.deleteTree(w);
    Files.createDirectories(w);
    IncrementalVsFullBench.writeSchema(w);
    Configuration conf = new Configuration();
    long t0 = Instant.parse("2024-04-01T00:00:00Z").toEpochMilli();
    long perDay = rows / days;

    // The same rows for every approach: the table's days, then the batch (new events today, late ones spread).
    Map<String, List<GenericRecord>> byDay = new TreeMap<>();
    Map<String, PipelineSpec> variants = new HashMap<>();
    for (var v : VARIANTS.entrySet()) {
      variants.put(v.getKey(), spec(w, v.getValue().table(), v.getValue().type(), v.getValue().extra()));
    }
    Schema schema = new MiniBatch(variants.get("cow"), conf).tableSchema();
    SplittableRandom rnd = new SplittableRandom(11);
    AtomicLong ids = new AtomicLong();
    byDay.putAll(days(schema, rnd, ids, t0, days, perDay));
    long today = t0 + days * DAY;
    List<List<GenericRecord>> batchList = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      batchList.add(batch(schema, rnd, ids, batch, t0, days, today + b * DAY / 288));
    }
    String todayDt = EventSchemas.day(today);
    int late = (int) batchList.get(0).stream().filter(r -> !todayDt.equals(r.get(EventSchemas.DT).toString())).count();

    for (String approach : approaches) {
      if (!VARIANTS.containsKey(approach)) {
        throw new IllegalArgumentException("unknown approach " + approach + ", expected one of " + VARIANTS.keySet());
      }
    }
    if (rounds > 1 && batches > 1) {
      throw new IllegalArgumentException("--rounds measures one batch; it cannot be combined with --batches " + batches);
    }
    if (!cold) {
      warmUp(w, conf, schema);
    }
    Map<String, List<Long>> roundMillis = new java.util.LinkedHashMap<>();
    Map<String, Outcome> firstRound = new HashMap<>();   // by approach
    List<Outcome> out = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    for (String approach : approaches) {
      PipelineSpec spec = variants.get(approach);
      HudiTable table = new MiniBatch(spec, conf).events();
      HudiWriter writer = new HudiWriter(table, schema);
      // One load commit, so the measured MOR upsert is not a compaction-triggering delta commit.
      progress("load " + approach, 0, 1);
      String loaded = writer.bulkInsert(byDay.values().stream().flatMap(List::stream).toList(), Map.of()).instant();
      progress("load " + approach, 1, 1);
      if (rounds > 1) {
        copyTree(conf, tableDir(spec), pristine(tableDir(spec)));
      }
      String name = "sluice upsert (" + spec.table().type().toString().toLowerCase()
          + (spec.hudi().isEmpty() ? "" : ", " + spec.hudi()) + ")";
      long total = 0;
      long max = 0;
      for (int b = 0; b < batches; b++) {
        System.gc();
        long s = System.nanoTime();
        CommitResult c = writer.upsert(batchList.get(b), Map.of(), null);
        long ms = (System.nanoTime() - s) / 1_000_000;
        if (b == 0) {
          Outcome first = new Outcome(name, ms, c.bytesWritten(), c.partitions().size());
          out.add(first);
          firstRound.put(approach, first);
          roundMillis.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
        }
        total += ms;
        max = Math.max(max, ms);
        progress(approach + " batch", b + 1, batches);
      }
      if (batches > 1) {
        runs.add(run(name, table, loaded, EventSchemas.day(today), total, max));
      }
    }

    // Hive: one parquet file per dt= partition; a batch rewrites each partition it touches.
    Path hive = w.resolve("hive_table");
    FileSystem fs = FileSystem.getLocal(conf);
    int d = 0;
    for (var e : byDay.entrySet()) {
      write(conf, hive.resolve("dt=" + e.getKey()).resolve("part-0.parquet"), schema, e.getValue());
      progress("load hive", ++d, days);
    }
    if (rounds > 1) {
      copyTree(conf, hive, pristine(hive));
    }
    long hiveMillis = 0;
    long hiveTotal = 0;
    long hiveMax = 0;
    long hiveTotalBytes = 0;
    long hiveBytes = 0;
    int hiveTouched = 0;
    for (int b = 0; b < batches; b++) {
      System.gc();
      long s = System.nanoTime();
      Map<String, List<GenericRecord>> touched = byDt(batchList.get(b));
      long bytes = rewrite(conf, hive, schema, touched, rewriteThreads);
      long ms = (System.nanoTime() - s) / 1_000_000;
      if (b == 0) {
        hiveMillis = ms;
        hiveBytes = bytes;
        hiveTouched = touched.size();
      }
      hiveMax = Math.max(hiveMax, ms);
      hiveTotal += ms;
      hiveTotalBytes += bytes;
      progress("hive batch", b + 1, batches);
    }
    out.add(new Outcome(hiveName(), hiveMillis, hiveBytes, hiveTouched));
    roundMillis.computeIfAbsent(hiveName(), k -> new ArrayList<>()).add(hiveMillis);
    // Further rounds: the same first batch again on fresh copies of the loaded tables, the approaches in turn.
    for (int r = 2; r <= rounds; r++) {
      for (String approach : approaches) {
        PipelineSpec spec = variants.get(approach);
        copyTree(conf, pristine(tableDir(spec)), tableDir(spec));
        HudiWriter writer = new HudiWriter(new MiniBatch(spec, conf).events(), schema);
        System.gc();
        long s = System.nanoTime();
        CommitResult c = writer.upsert(batchList.get(0), Map.of(), null);
        roundMillis.get(firstRound.get(approach).approach()).add((System.nanoTime() - s) / 1_000_000);
        long first = firstRound.get(approach).bytesWritten();
        // The same batch on the same loaded table writes the same rows; anything else means the copy was not restored.
        if (Math.abs(c.bytesWritten() - first) > first / 20) {
          throw new IllegalStateException(approach + " wrote " + c.bytesWritten() + " bytes in round " + r
              + " but " + first + " in round 1: its table was not restored to the loaded state");
        }
      }
      copyTree(conf, pristine(hive), hive);
      System.gc();
      long s = System.nanoTime();
      rewrite(conf, hive, schema, byDt(batchList.get(0)), rewriteThreads);
      roundMillis.get(hiveName()).add((System.nanoTime() - s) / 1_000_000);
      progress("round", r, rounds);
    }
    fs.close();

    Outcome base = out.get(out.size() - 1);
    List<String> csv = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Late data: upsert vs partition rewrite\n\nCommand: `bench/run late-data --rows "
        + rows + " --days " + days + " --batch " + batch + " --late-fraction " + lateFraction + (cold ? " --cold" : "")
        + (rewriteThreads > 1 ? " --rewrite-threads " + rewriteThreads : "")
        + "`\n\n" + "Table: " + perDay * days + " rows over " + days + " days. Batch: " + batch + " events, " + late
        + " of them late, spread over every day. " + (cold ? "Cold JVM: the measured batch is each code path's first."
            : "Every approach ran one small warm-up load and batch on scratch tables first.")
        + "\n\n| approach | time | bytes written | partitions | time vs Hive rewrite | bytes vs Hive rewrite |\n|---|---|---|---|---|---|\n");
    for (Outcome o : out) {
      double tr = o.millis() / (double) base.millis();
      double br = o.bytesWritten() / (double) base.bytesWritten();
      csv.add(String.join(",", Instant.now().toString(), Long.toString(perDay * days),
          Integer.toString(days), Integer.toString(batch), Integer.toString(late), o.approach(), Long.toString(o.millis()),
          Long.toString(o.bytesWritten()), Integer.toString(o.partitions()), String.format("%.3f", tr),
          String.format("%.3f", br)));
      md.append(String.format("| %s | %d ms | %,d | %d | %.3f | %.3f |%n", o.approach(), o.millis(), o.bytesWritten(),
          o.partitions(), tr, br));
    }
    results.appendCsv("late-data.csv", "run_at,rows,days,batch,late,approach,ms,bytes_written,partitions,"
        + "time_vs_hive,bytes_vs_hive", csv);
    results.writeMarkdown("late-data.md", md.toString(), false);
    System.out.println(md);
    if (batches > 1) {
      runs.add(new Run(hiveName(), hiveTotal, hiveMax, hiveTotalBytes, 0, 0, days + 1, 1));
      reportRuns(runs, perDay * days);
    }
    if (rounds > 1) {
      reportRounds(roundMillis, perDay * days, late);
    }
    return 0;
  }

  /** Each round's times and time ratios against that round's Hive rewrite, and the median ratio per approach. */
  private void reportRounds(Map<String, List<Long>> millis, long tableRows, int late) throws IOException {
    List<Long> hive = millis.get(hiveName());
    List<String> names = millis.keySet().stream().filter(n -> !n.equals(hiveName())).toList();
    List<String> csv = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Late data: " + rounds + " rounds of the same batch\n\nCommand: `bench/run late-data"
        + " --rows " + rows + " --days " + days + " --batch " + batch + " --late-fraction " + lateFraction + " --approaches "
        + String.join(",", approaches) + (rewriteThreads > 1 ? " --rewrite-threads " + rewriteThreads : "") + " --rounds "
        + rounds + "`\n\nTable: " + tableRows + " rows over " + days + " days. Batch: " + batch + " events, " + late
        + " of them late. Each round upserts the batch into a fresh copy of every loaded table in turn, then"
        + " rewrites a fresh copy of the Hive table; a ratio is an approach's time over the same round's rewrite.\n\n| round |");
    names.forEach(n -> md.append(' ').append(n).append(" |"));
    md.append(' ').append(hiveName()).append(" |");
    names.forEach(n -> md.append(" time vs Hive: ").append(n).append(" |"));
    md.append("\n|---|").append("---|".repeat(names.size() * 2 + 1)).append('\n');
    for (int r = 0; r < rounds; r++) {
      md.append("| ").append(r + 1).append(" |");
      for (String n : names) {
        md.append(' ').append(millis.get(n).get(r)).append(" ms |");
      }
      md.append(' ').append(hive.get(r)).append(" ms |");
      for (String n : names) {
        double ratio = millis.get(n).get(r) / (double) hive.get(r);
        md.append(String.format(" %.3f (%s) |", ratio, speed(ratio)));
        csv.add(String.join(",", Instant.now().toString(), Long.toString(tableRows), Integer.toString(days),
            Integer.toString(batch), Integer.toString(late), Integer.toString(r + 1), n, hiveName(),
            Long.toString(millis.get(n).get(r)), Long.toString(hive.get(r)), String.format("%.3f", ratio)));
      }
      md.append('\n');
    }
    for (String n : names) {
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = millis.get(n).get(r) / (double) hive.get(r);
      }
      double median = new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(ratios);
      md.append(String.format("%nMedian time vs Hive for %s over %d rounds: **%.3f (%s)**, rounds %.3f to %.3f.%n",
          n, rounds, median, speed(median), java.util.Arrays.stream(ratios).min().orElseThrow(),
          java.util.Arrays.stream(ratios).max().orElseThrow()));
    }
    results.appendCsv("late-data-rounds.csv", "run_at,rows,days,batch,late,round,approach,baseline,ms,baseline_ms,"
        + "time_vs_baseline", csv);
    results.writeMarkdown("late-data-rounds" + (rewriteThreads > 1 ? "-" + rewriteThreads + "-threads" : "") + ".md",
        md.toString(), false);
    System.out.println(md);
  }

  /** A time ratio against the baseline in words: "4.7x faster" or "1.2x slower". */
  private static String speed(double ratio) {
    return ratio <= 1 ? String.format("%.1fx faster", 1 / ratio) : String.format("%.1fx slower", ratio);
  }

  private static Path tableDir(PipelineSpec spec) {
    return localDir(spec.table().basePath());
  }

  /** The local directory of a {@code file:} URI or plain path. */
  static Path localDir(String path) {
    return Path.of(new org.apache.hadoop.fs.Path(path).toUri().getPath());
  }

  /** Where a copy of {@code dir} as loaded is kept while rounds restore it. */
  static Path pristine(Path dir) {
    return dir.resolveSibling(dir.getFileName() + ".loaded");
  }

  /** Replaces {@code to} with a copy of {@code from}, checksum files included, through Hadoop's raw local file system. */
  static void copyTree(Configuration conf, Path from, Path to) throws IOException {
    FileSystem raw = FileSystem.getLocal(conf).getRaw();
    org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(to.toUri());
    raw.delete(dst, true);
    if (!org.apache.hadoop.fs.FileUtil.copy(raw, new org.apache.hadoop.fs.Path(from.toUri()), raw, dst, false, conf)) {
      throw new IOException("could not copy " + from + " to " + to);
    }
  }

  private String hiveName() {
    return "hive partition rewrite" + (rewriteThreads > 1 ? " (" + rewriteThreads + " partitions at once)" : "");
  }

  private void reportRuns(List<Run> runs, long tableRows) throws IOException {
    Run base = runs.get(runs.size() - 1);
    List<String> csv = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Late data: " + batches + " batches in a row\n\nCommand: `bench/run late-data --rows "
        + rows + " --days " + days + " --batch " + batch + " --late-fraction " + lateFraction + " --batches " + batches
        + " --approaches " + String.join(",", approaches) + (rewriteThreads > 1 ? " --rewrite-threads " + rewriteThreads : "") + "`\n\nTable: " + tableRows + " rows over " + days + " days; "
        + batches + " batches of " + batch + " events, each with its own late events over every day. Times and bytes "
        + "include the compactions and clusterings the batches ran inline.\n\n| approach | total time | slowest batch "
        + "| bytes written | clusterings | compactions | file groups at the end | most in one day | time vs Hive "
        + "| bytes vs Hive |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      double tr = r.millis() / (double) base.millis();
      double br = r.bytesWritten() / (double) base.bytesWritten();
      csv.add(String.join(",", Instant.now().toString(), Long.toString(tableRows), Integer.toString(days),
          Integer.toString(batch), Integer.toString(batches), r.approach(), Long.toString(r.millis()),
          Long.toString(r.maxMillis()), Long.toString(r.bytesWritten()), Integer.toString(r.clusterings()),
          Integer.toString(r.compactions()), Long.toString(r.fileGroups()), Long.toString(r.maxFileGroupsPerDay()),
          String.format("%.3f", tr), String.format("%.3f", br)));
      md.append(String.format("| %s | %d ms | %d ms | %,d | %d | %d | %d | %d | %.3f | %.3f |%n", r.approach(), r.millis(),
          r.maxMillis(), r.bytesWritten(), r.clusterings(), r.compactions(), r.fileGroups(), r.maxFileGroupsPerDay(), tr, br));
    }
    results.appendCsv("late-data-batches.csv", "run_at,rows,days,batch,batches,approach,ms,max_batch_ms,bytes_written,"
        + "clusterings,compactions,file_groups,max_file_groups_per_day,time_vs_hive,bytes_vs_hive", csv);
    results.writeMarkdown("late-data-batches.md", md.toString(), false);
    System.out.println(md);
  }

  /** What the batches after the load did to the table: bytes of every commit (table services too) and its file groups. */
  private static Run run(String approach, HudiTable table, String loaded, String today, long millis, long maxMillis)
      throws IOException {
    HoodieTableMetaClient mc = table.metaClient();
    HoodieTimeline done = mc.getCommitsTimeline().filterCompletedInstants();
    long bytes = 0;
    int clusterings = 0;
    int compactions = 0;
    for (HoodieInstant i : done.findInstantsAfter(loaded).getInstants()) {
      HoodieCommitMetadata md = TimelineUtils.getCommitMetadata(i, done);
      bytes += md.fetchTotalBytesWritten();
      clusterings += md.getOperationType() == WriteOperationType.CLUSTER ? 1 : 0;
      compactions += md.getOperationType() == WriteOperationType.COMPACT ? 1 : 0;
    }
    HoodieTableFileSystemView view = new HoodieTableFileSystemView(mc, done);
    long total = 0;
    long most = 0;
    for (String p : FSUtils.getAllPartitionPaths(new HoodieJavaEngineContext(mc.getStorageConf()), mc.getStorage(),
        mc.getBasePath(), false, false)) {
      long n = view.getLatestFileSlices(p).count();
      total += n;
      most = p.endsWith(today) ? most : Math.max(most, n);
    }
    return new Run(approach, millis, maxMillis, bytes, clusterings, compactions, total, most);
  }

  /**
   * One small load and late batch per approach and for the Hive rewrite, on scratch tables, to warm the JIT.
   * It has the measured batch's shape, late events in every day of the table, so the per-partition and
   * per-file code is compiled too, not only the per-record code.
   */
  private void warmUp(Path w, Configuration conf, Schema schema) throws Exception {
    long t0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    SplittableRandom rnd = new SplittableRandom(5);
    AtomicLong ids = new AtomicLong(-10_000_000L);
    Map<String, List<GenericRecord>> byDay = days(schema, rnd, ids, t0, days, Math.max(1_000, rows / days / 50));
    List<GenericRecord> batch = batch(schema, rnd, ids, Math.max(2_000, this.batch / 10), t0, days, t0 + days * DAY);
    for (String approach : approaches) {
      Variant v = VARIANTS.get(approach);
      HudiWriter writer = new HudiWriter(new MiniBatch(spec(w, v.table() + "_warm", v.type(), v.extra()), conf).events(),
          schema);
      writer.bulkInsert(byDay.values().stream().flatMap(List::stream).toList(), Map.of());
      writer.upsert(batch, Map.of(), null);
    }
    Path hive = w.resolve("hive_warm");
    for (var e : byDay.entrySet()) {
      write(conf, hive.resolve("dt=" + e.getKey()).resolve("part-0.parquet"), schema, e.getValue());
    }
    rewrite(conf, hive, schema, byDt(batch), rewriteThreads);
    progress("warm-up", 1, 1);
  }

  /** {@code perDay} events at random times in each of {@code days} days from {@code t0}, by {@code dt}. */
  private static Map<String, List<GenericRecord>> days(Schema schema, SplittableRandom rnd, AtomicLong ids, long t0,
                                                       int days, long perDay) {
    Map<String, List<GenericRecord>> byDay = new TreeMap<>();
    for (int d = 0; d < days; d++) {
      List<GenericRecord> day = new ArrayList<>((int) perDay);
      for (long i = 0; i < perDay; i++) {
        day.add(IncrementalVsFullBench.event(schema, rnd, ids.getAndIncrement(), t0 + d * DAY + rnd.nextLong(DAY)));
      }
      byDay.put(EventSchemas.day(t0 + d * DAY), day);
    }
    return byDay;
  }

  /**
   * {@code n} new events: a {@code lateFraction} share late, anywhere in the {@code days} days from
   * {@code t0}, the rest in the 5 minutes from {@code from}.
   */
  private List<GenericRecord> batch(Schema schema, SplittableRandom rnd, AtomicLong ids, int n, long t0, int days,
                                    long from) {
    List<GenericRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long ts = rnd.nextDouble() < lateFraction ? t0 + rnd.nextLong(days * DAY) : from + rnd.nextLong(DAY / 288);
      records.add(IncrementalVsFullBench.event(schema, rnd, ids.getAndIncrement(), ts));
    }
    return records;
  }

  private static Map<String, List<GenericRecord>> byDt(List<GenericRecord> records) {
    Map<String, List<GenericRecord>> touched = new TreeMap<>();
    for (GenericRecord r : records) {
      touched.computeIfAbsent(r.get(EventSchemas.DT).toString(), k -> new ArrayList<>()).add(r);
    }
    return touched;
  }

  /** The classic Hive way: read each touched partition, merge the batch in by key, rewrite it. Returns bytes written. */
  private static long rewrite(Configuration conf, Path hive, Schema schema, Map<String, List<GenericRecord>> touched,
                              int threads) throws Exception {
    // One thread rewrites the partitions one after another, as a single Hive task would.
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<Long>> parts = new ArrayList<>();
      for (var e : touched.entrySet()) {
        parts.add(pool.submit(() -> rewritePartition(conf, hive, schema, e.getKey(), e.getValue())));
      }
      long written = 0;
      for (Future<Long> f : parts) {
        written += f.get();
      }
      return written;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads one dt= partition, merges the batch's rows in by key and rewrites it; returns the bytes written. */
  private static long rewritePartition(Configuration conf, Path hive, Schema schema, String dt,
                                       List<GenericRecord> batch) throws IOException {
    Path dir = hive.resolve("dt=" + dt);
    Path old = dir.resolve("part-0.parquet");
    Map<String, GenericRecord> merged = new HashMap<>();
    if (Files.exists(old)) {
      try (ParquetReader<GenericRecord> rd = AvroParquetReader.<GenericRecord>builder(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(old.toUri()), conf)).build()) {
        for (GenericRecord r = rd.read(); r != null; r = rd.read()) {
          merged.put(r.get("event_id").toString(), r);
        }
      }
    }
    for (GenericRecord r : batch) {
      merged.put(r.get("event_id").toString(), r);
    }
    Path tmp = dir.resolve("part-0.parquet.tmp");
    write(conf, tmp, schema, new ArrayList<>(merged.values()));
    long written = Files.size(tmp);
    // Through Hadoop's file system, so the checksum file moves with the data and the next batch can read it.
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(old.toUri());
    org.apache.hadoop.fs.FileSystem fs = target.getFileSystem(conf);
    fs.delete(target, false);
    if (!fs.rename(new org.apache.hadoop.fs.Path(tmp.toUri()), target)) {
      throw new IOException("could not move " + tmp + " to " + old);
    }
    return written;
  }

  private static void write(Configuration conf, Path file, Schema schema, List<GenericRecord> rows) throws IOException {
    Files.createDirectories(file.getParent());
    try (ParquetWriter<GenericRecord> wr = AvroParquetWriter.<GenericRecord>builder(
        HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), conf))
        .withSchema(schema).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (GenericRecord r : rows) {
        wr.write(r);
      }
    }
  }

  private static PipelineSpec spec(Path w, String name, String type) throws IOException {
    return spec(w, name, type, "");
  }

  static PipelineSpec spec(Path w, String name, String type, String extra) throws IOException {
    Path f = w.resolve(name + ".yaml");
    Files.writeString(f, """
        name: %s
        work-dir: %s
        source:
          schema: e.avsc
        table:
          type: %s
          record-key: [event_id]
          ordering-field: updated_at
          event-time-field: event_time
        """.formatted(name, w, type) + extra);
    return SpecLoader.load(f);
  }

  private static void progress(String what, int done, int total) {
    System.err.printf("[bench] %s %d/%d%n", what, done, total);
  }
}
