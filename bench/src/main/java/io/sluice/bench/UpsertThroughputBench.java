package io.sluice.bench;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.TableType;
import io.sluice.upserts.CommitResult;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.HudiWriter;
import io.sluice.upserts.MiniBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.config.HoodieIndexConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;
import org.apache.hudi.table.action.HoodieWriteMetadata;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 7 (a): one 200K-event batch (20% updates spread over 12 day partitions, 1% late) upserted into
 * a loaded table by Sluice's write path (COW, its default, and MOR) and by a plain
 * {@code HoodieJavaWriteClient} with Hudi's default settings (bloom index, COW; only the required
 * key, partition and ordering fields set), against the physical limit: the same rows written once
 * with a plain {@code AvroParquetWriter}. Every contender gets its own copy of the same table and batch.
 */
@Command(name = "upsert", mixinStandardHelpOptions = true,
    description = "Upsert throughput: Sluice's write path vs a default-configured Hudi Java client vs plain Parquet")
final class UpsertThroughputBench implements Callable<Integer> {
  static final long DAY = 86_400_000L;
  /** Sluice's inline compaction interval for MOR tables, in delta commits. */
  static final int COMPACTION_INTERVAL = 5;

  @Option(names = "--rows", defaultValue = "1200000", description = "Rows in the table before the batch (default ${DEFAULT-VALUE})")
  long rows;

  @Option(names = "--partitions", defaultValue = "12", description = "Day partitions of the table (default ${DEFAULT-VALUE})")
  int partitions;

  @Option(names = "--batch", defaultValue = "200000", description = "Events in the batch (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--update-fraction", defaultValue = "0.2", description = "Share of the batch updating existing keys")
  double updateFraction;

  @Option(names = "--late-fraction", defaultValue = "0.01", description = "Share of the batch that is new but late")
  double lateFraction;

  @Option(names = "--hudi", paramLabel = "KEY=VALUE", description = "Extra Hudi settings for Sluice's tables (experiments)")
  Map<String, String> hudi = new java.util.LinkedHashMap<>();

  @Option(names = "--work", defaultValue = "target/bench-upsert", description = "Scratch directory, recreated")
  Path work;

  @Mixin ResultsDir results = new ResultsDir();

  record Outcome(String approach, long millis, long bytesWritten) {
    double recordsPerSecond(int n) {
      return n / (millis / 1000.0);
    }
  }

  /** One measured round: every contender's outcome in report order, and the batch's make-up. */
  private record Round(List<Outcome> out, int updates, int late) {}

  @Override
  public Integer call() throws Exception {
    Path w = work.toAbsolutePath();
    IncrementalVsFullBench.deleteTree(w);
    Files.createDirectories(w);
    // Every contender writes through the same (cached) local file system, so only the write paths differ.
    Configuration conf = new Configuration();
    // Every contender runs once on a small table of the same shape first, so none of them, the plain
    // client included, is measured while its code is still being compiled.
    round(w.resolve("warm-up"), conf, Math.max(partitions * 1_000L, rows / 20), Math.max(1_000, batch / 20), 3);
    System.err.println("[bench] warm-up 1/1");
    Round round = round(w, conf, rows, batch, 7);
    List<Outcome> out = round.out();
    int updates = round.updates();
    int late = round.late();
    long perDay = rows / partitions;

    Outcome plain = out.get(1);
    List<String> csvRows = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Upsert throughput\n\nCommand: `bench/run upsert --rows " + rows
        + " --partitions " + partitions + " --batch " + batch
        + hudi.entrySet().stream().map(e -> " --hudi " + e.getKey() + "=" + e.getValue()).reduce("", String::concat)
        + "`\n\nTable: " + perDay * partitions + " rows in "
        + partitions + " day partitions. Batch: " + batch + " events, " + updates + " updates of existing keys, " + late
        + " new but late, the rest new today. Every contender first ran once on a table and batch of the same shape"
        + " a twentieth of the size (JIT warm-up).\n\n| approach | time | records/s | bytes written | throughput vs plain Hudi |\n"
        + "|---|---|---|---|---|\n");
    for (Outcome o : out) {
      double ratio = o.recordsPerSecond(batch) / plain.recordsPerSecond(batch);
      csvRows.add(String.join(",", Instant.now().toString(), Long.toString(perDay * partitions),
          Integer.toString(partitions), Integer.toString(batch), Integer.toString(updates), Integer.toString(late),
          "\"" + o.approach() + "\"", Long.toString(o.millis()), String.format("%.0f", o.recordsPerSecond(batch)),
          Long.toString(o.bytesWritten()), String.format("%.2f", ratio)));
      md.append(String.format("| %s | %d ms | %,.0f | %,d | %.2fx |%n", o.approach(), o.millis(),
          o.recordsPerSecond(batch), o.bytesWritten(), ratio));
    }
    results.appendCsv("upsert-throughput.csv", "run_at,rows,partitions,batch,updates,late,approach,ms,records_per_s,"
        + "bytes_written,throughput_vs_plain_hudi", csvRows);
    results.writeMarkdown("upsert-throughput.md", md.toString(), false);
    System.out.println(md);
    return 0;
  }

  /**
   * Loads a table of {@code rows} rows over the configured day partitions for each contender under
   * {@code w}, then times each contender's upsert of the same {@code batch}-event batch.
   */
  private Round round(Path w, Configuration conf, long rows, int batch, long seed) throws Exception {
    Files.createDirectories(w);
    IncrementalVsFullBench.writeSchema(w);
    long t0 = Instant.parse("2024-04-01T00:00:00Z").toEpochMilli();
    PipelineSpec cow = spec(w, "sluice_cow", "cow");
    PipelineSpec mor = spec(w, "sluice_mor", "mor");
    Configuration sluiceConf = io.sluice.core.util.HadoopConfs.of(cow);
    System.err.printf("[bench] file systems: plain %s, sluice %s%n",
        new org.apache.hadoop.fs.Path(w.toUri()).getFileSystem(conf).getClass().getSimpleName(),
        new org.apache.hadoop.fs.Path(w.toUri()).getFileSystem(sluiceConf).getClass().getSimpleName());
    Schema schema = new MiniBatch(cow, conf).tableSchema();

    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, List<GenericRecord>> byDay = new TreeMap<>();
    long perDay = rows / partitions;
    long id = 0;
    for (int d = 0; d < partitions; d++) {
      List<GenericRecord> day = new ArrayList<>((int) perDay);
      for (long i = 0; i < perDay; i++) {
        day.add(IncrementalVsFullBench.event(schema, rnd, id++, t0 + d * DAY + rnd.nextLong(DAY)));
      }
      byDay.put(EventSchemas.day(t0 + d * DAY), day);
    }
    List<GenericRecord> all = byDay.values().stream().flatMap(List::stream).toList();
    long today = t0 + (partitions - 1) * DAY;
    List<GenericRecord> batchRecords = new ArrayList<>(batch);
    int updates = 0;
    int late = 0;
    for (int i = 0; i < batch; i++) {
      double r = rnd.nextDouble();
      if (r < updateFraction) {
        // A newer version of an existing event: same key and event time, so the same partition.
        GenericData.Record u = new GenericData.Record((GenericData.Record) all.get(rnd.nextInt(all.size())), true);
        u.put("latency_ms", 20L + rnd.nextInt(800));
        u.put("updated_at", (Long) u.get("updated_at") + 1);
        batchRecords.add(u);
        updates++;
      } else {
        boolean isLate = r < updateFraction + lateFraction;
        long ts = isLate ? t0 + rnd.nextLong((partitions - 1) * DAY) : today + rnd.nextLong(DAY);
        late += isLate ? 1 : 0;
        batchRecords.add(IncrementalVsFullBench.event(schema, rnd, id++, ts));
      }
    }
    List<Outcome> out = new ArrayList<>();
    // Plain Parquet: the same rows written once, one file per partition: no lookup, no merge.
    System.gc();
    long s = System.nanoTime();
    Map<String, List<GenericRecord>> batchByDay = new TreeMap<>();
    batchRecords.forEach(r -> batchByDay.computeIfAbsent(r.get(EventSchemas.DT).toString(), k -> new ArrayList<>()).add(r));
    long parquetBytes = 0;
    for (var e : batchByDay.entrySet()) {
      Path f = w.resolve("parquet/dt=" + e.getKey() + "/part-0.parquet");
      Files.createDirectories(f.getParent());
      try (ParquetWriter<GenericRecord> wr = AvroParquetWriter.<GenericRecord>builder(
          HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), conf)).withSchema(schema).build()) {
        for (GenericRecord r : e.getValue()) {
          wr.write(r);
        }
      }
      parquetBytes += Files.size(f);
    }
    out.add(new Outcome("plain AvroParquetWriter (physical limit)", (System.nanoTime() - s) / 1_000_000, parquetBytes));

    out.add(plainHudi(w, conf, schema, byDay, batchRecords));
    for (PipelineSpec spec : List.of(cow, mor)) {
      HudiTable table = new MiniBatch(spec, sluiceConf).events();
      HudiWriter writer = new HudiWriter(table, schema);
      // One load commit: twelve would make the measured MOR upsert the delta commit that triggers the
      // inline compaction of the load. Compaction is measured on its own below.
      writer.bulkInsert(all, Map.of());
      System.err.printf("[bench] loaded %s%n", spec.name());
      System.gc();
      s = System.nanoTime();
      CommitResult c = writer.upsert(batchRecords, Map.of(), null);
      boolean isMor = spec.table().type() == TableType.MOR;
      String name = "sluice upsert, " + spec.table().type().toString().toLowerCase()
          + (!isMor && hudi.isEmpty() ? " (default)" : "") + (hudi.isEmpty() ? "" : " " + hudi);
      Outcome upsert = new Outcome(name, (System.nanoTime() - s) / 1_000_000, c.bytesWritten());
      out.add(upsert);
      if (isMor) {
        // The inline compaction that every compactionInterval-th delta commit runs, merging this
        // upsert's logs into new base files; a steady stream pays 1/interval of it per batch.
        System.gc();
        s = System.nanoTime();
        long compactBytes = compact(table, schema, sluiceConf);
        Outcome compaction = new Outcome("mor compaction of that upsert (every " + COMPACTION_INTERVAL
            + "th delta commit)", (System.nanoTime() - s) / 1_000_000, compactBytes);
        out.add(compaction);
        out.add(new Outcome(name + ", compaction amortised over " + COMPACTION_INTERVAL + " batches",
            upsert.millis() + compaction.millis() / COMPACTION_INTERVAL,
            upsert.bytesWritten() + compaction.bytesWritten() / COMPACTION_INTERVAL));
      }
    }

    return new Round(out, updates, late);
  }

  /** Schedules, runs and commits a compaction of every file slice with logs; returns the bytes written. */
  private static long compact(HudiTable table, Schema schema, Configuration conf) {
    HoodieWriteConfig cfg = table.writeConfig(schema);
    // Sluice's own trigger waits for COMPACTION_INTERVAL delta commits; compact what is there now.
    cfg.setValue("hoodie.compact.inline.max.delta.commits", "1");
    try (HoodieJavaWriteClient<HoodieAvroPayload> client =
             new HoodieJavaWriteClient<>(new HoodieJavaEngineContext(new HadoopStorageConfiguration(conf)), cfg)) {
      String instant = client.scheduleCompaction(org.apache.hudi.common.util.Option.empty())
          .orElseThrow(() -> new IllegalStateException("nothing to compact"));
      HoodieWriteMetadata<List<WriteStatus>> done = client.compact(instant);
      client.commitCompaction(instant, done.getCommitMetadata().get(), org.apache.hudi.common.util.Option.empty());
      return done.getWriteStatuses().stream().mapToLong(x -> x.getStat().getTotalWriteBytes()).sum();
    }
  }

  /** A table written by a HoodieJavaWriteClient configured with Hudi's defaults plus what it cannot do without. */
  private static Outcome plainHudi(Path w, Configuration conf, Schema schema, Map<String, List<GenericRecord>> byDay,
                                   List<GenericRecord> batch) throws Exception {
    String base = w.resolve("plain_hudi").toUri().toString();
    HadoopStorageConfiguration storage = new HadoopStorageConfiguration(conf);
    HoodieTableMetaClient.withPropertyBuilder().setTableType("COPY_ON_WRITE").setTableName("plain_hudi")
        .setRecordKeyFields("event_id").setPartitionFields(EventSchemas.DT).setPreCombineField("updated_at")
        .setPayloadClassName(DefaultHoodieRecordPayload.class.getName()).initTable(storage, base);
    HoodieWriteConfig cfg = HoodieWriteConfig.newBuilder().withPath(base).forTable("plain_hudi")
        .withSchema(schema.toString())
        .withProps(Map.of("hoodie.datasource.write.recordkey.field", "event_id",
            "hoodie.datasource.write.partitionpath.field", EventSchemas.DT,
            "hoodie.datasource.write.precombine.field", "updated_at"))
        // The Java client's default index is in-memory (lost between JVMs): the issue names bloom.
        .withIndexConfig(HoodieIndexConfig.newBuilder().withIndexType(HoodieIndex.IndexType.BLOOM).build())
        .build();
    try (HoodieJavaWriteClient<DefaultHoodieRecordPayload> client =
             new HoodieJavaWriteClient<>(new HoodieJavaEngineContext(storage), cfg)) {
      for (List<GenericRecord> day : byDay.values()) {
        String instant = client.startCommit();
        client.insert(records(day), instant);
      }
      System.err.println("[bench] loaded plain_hudi");
      System.gc();
      long s = System.nanoTime();
      String instant = client.startCommit();
      List<WriteStatus> st = client.upsert(records(batch), instant);
      long ms = (System.nanoTime() - s) / 1_000_000;
      long bytes = st.stream().mapToLong(x -> x.getStat().getTotalWriteBytes()).sum();
      return new Outcome("plain HoodieJavaWriteClient, defaults (bloom, cow)", ms, bytes);
    }
  }

  private static List<HoodieRecord<DefaultHoodieRecordPayload>> records(List<GenericRecord> rs) {
    List<HoodieRecord<DefaultHoodieRecordPayload>> out = new ArrayList<>(rs.size());
    for (GenericRecord r : rs) {
      HoodieKey key = new HoodieKey(r.get("event_id").toString(), r.get(EventSchemas.DT).toString());
      out.add(new HoodieAvroRecord<>(key, new DefaultHoodieRecordPayload(r, (Long) r.get("updated_at"))));
    }
    return out;
  }

  private PipelineSpec spec(Path w, String name, String type) throws java.io.IOException {
    StringBuilder extra = new StringBuilder(hudi.isEmpty() ? "" : "hudi:\n");
    hudi.forEach((k, v) -> extra.append("  ").append(k).append(": \"").append(v).append("\"\n"));
    return LateDataBench.spec(w, name, type, extra.toString());
  }
}
