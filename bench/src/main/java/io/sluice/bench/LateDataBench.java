package io.sluice.bench;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.upserts.CommitResult;
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
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
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

  @Mixin ResultsDir results = new ResultsDir();

  record Outcome(String approach, long millis, long bytesWritten, int partitions) {}

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
    PipelineSpec cow = spec(w, "late_cow", "cow");
    PipelineSpec mor = spec(w, "late_mor", "mor");
    // MOR with Hudi's default initial bloom filter size and false-positive rate: the before/after of Sluice's choice.
    PipelineSpec morHudiBloom = spec(w, "late_mor_bloom", "mor",
        "hudi:\n  hoodie.index.bloom.num_entries: \"60000\"\n  hoodie.index.bloom.fpp: \"0.000000001\"\n");
    Schema schema = new MiniBatch(cow, conf).tableSchema();
    SplittableRandom rnd = new SplittableRandom(11);
    long id = 0;
    for (int d = 0; d < days; d++) {
      List<GenericRecord> day = new ArrayList<>((int) perDay);
      for (long i = 0; i < perDay; i++) {
        day.add(IncrementalVsFullBench.event(schema, rnd, id++, t0 + d * DAY + rnd.nextLong(DAY)));
      }
      byDay.put(EventSchemas.day(t0 + d * DAY), day);
    }
    List<GenericRecord> batchRecords = new ArrayList<>(batch);
    long today = t0 + days * DAY;
    int late = 0;
    for (int i = 0; i < batch; i++) {
      boolean isLate = rnd.nextDouble() < lateFraction;
      long ts = isLate ? t0 + rnd.nextLong(days * DAY) : today + rnd.nextLong(DAY / 24);
      late += isLate ? 1 : 0;
      batchRecords.add(IncrementalVsFullBench.event(schema, rnd, id++, ts));
    }

    List<Outcome> out = new ArrayList<>();
    for (PipelineSpec spec : List.of(cow, mor, morHudiBloom)) {
      HudiWriter writer = new HudiWriter(new MiniBatch(spec, conf).events(), schema);
      // One load commit, so the measured MOR upsert is not a compaction-triggering delta commit.
      progress("load " + spec.table().type(), 0, 1);
      writer.bulkInsert(byDay.values().stream().flatMap(List::stream).toList(), Map.of());
      progress("load " + spec.table().type(), 1, 1);
      System.gc();
      long s = System.nanoTime();
      CommitResult c = writer.upsert(batchRecords, Map.of(), null);
      out.add(new Outcome("sluice upsert (" + spec.table().type().toString().toLowerCase()
          + (spec.hudi().isEmpty() ? "" : ", " + spec.hudi()) + ")",
          (System.nanoTime() - s) / 1_000_000, c.bytesWritten(), c.partitions().size()));
    }

    // Hive: one parquet file per dt= partition; a batch rewrites each partition it touches.
    Path hive = w.resolve("hive_table");
    FileSystem fs = FileSystem.getLocal(conf);
    int d = 0;
    for (var e : byDay.entrySet()) {
      write(conf, hive.resolve("dt=" + e.getKey()).resolve("part-0.parquet"), schema, e.getValue());
      progress("load hive", ++d, days);
    }
    System.gc();
    long s = System.nanoTime();
    Map<String, List<GenericRecord>> touched = new TreeMap<>();
    for (GenericRecord r : batchRecords) {
      touched.computeIfAbsent(r.get(EventSchemas.DT).toString(), k -> new ArrayList<>()).add(r);
    }
    long hiveBytes = 0;
    for (var e : touched.entrySet()) {
      Path dir = hive.resolve("dt=" + e.getKey());
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
      for (GenericRecord r : e.getValue()) {
        merged.put(r.get("event_id").toString(), r);
      }
      Path tmp = dir.resolve("part-0.parquet.tmp");
      write(conf, tmp, schema, new ArrayList<>(merged.values()));
      hiveBytes += Files.size(tmp);
      Files.move(tmp, old, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    out.add(new Outcome("hive partition rewrite", (System.nanoTime() - s) / 1_000_000, hiveBytes, touched.size()));
    fs.close();

    Outcome base = out.get(out.size() - 1);
    List<String> rows = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Late data: upsert vs partition rewrite\n\nCommand: `bench/run late-data --rows "
        + rows + " --days " + days + " --batch " + batch + " --late-fraction " + lateFraction + "`\n\n"
        + "Table: " + perDay * days + " rows over " + days + " days. Batch: " + batch + " events, " + late
        + " of them late, spread over every day.\n\n| approach | time | bytes written | partitions | time vs Hive rewrite | bytes vs Hive rewrite |\n|---|---|---|---|---|---|\n");
    for (Outcome o : out) {
      double tr = o.millis() / (double) base.millis();
      double br = o.bytesWritten() / (double) base.bytesWritten();
      rows.add(String.join(",", Instant.now().toString(), Long.toString(perDay * days),
          Integer.toString(days), Integer.toString(batch), Integer.toString(late), o.approach(), Long.toString(o.millis()),
          Long.toString(o.bytesWritten()), Integer.toString(o.partitions()), String.format("%.3f", tr),
          String.format("%.3f", br)));
      md.append(String.format("| %s | %d ms | %,d | %d | %.3f | %.3f |%n", o.approach(), o.millis(), o.bytesWritten(),
          o.partitions(), tr, br));
    }
    results.appendCsv("late-data.csv", "run_at,rows,days,batch,late,approach,ms,bytes_written,partitions,"
        + "time_vs_hive,bytes_vs_hive", rows);
    results.writeMarkdown("late-data.md", md.toString(), false);
    System.out.println(md);
    return 0;
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
