package io.sluice.upserts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.CrashPoints;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.util.DaemonThreads;
import io.sluice.core.util.HadoopConfs;
import io.sluice.core.util.OrderedReads;
import io.sluice.ingest.EventReader;
import io.sluice.ingest.FileReport;
import io.sluice.ingest.IngestResult;
import io.sluice.ingest.LandingDirSource;
import io.sluice.ingest.SourceCheckpoint;
import io.sluice.ingest.SourceDrift;
import io.sluice.ingest.SourcePlan;
import java.util.LinkedHashMap;
import java.util.List;
import io.sluice.core.util.StageTimes;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mini-batch of the first half of the pipeline: landing files → validated records → the events
 * table. The source checkpoint travels in the events commit's extra metadata (as in HoodieStreamer),
 * so the commit is the single point of truth: a batch that crashed before it is redone in full,
 * one that crashed after it is never redone.
 */
public final class MiniBatch {
  /** Extra-metadata key of the landing-dir checkpoint on events commits. */
  public static final String CHECKPOINT_KEY = "sluice.source.checkpoint";
  /** Extra-metadata key of the batch counts on events commits. */
  public static final String BATCH_STATS_KEY = "sluice.batch.stats";
  /** Commit metadata of a backfill re-ingest: the date range it replayed. */
  public static final String REINGEST_KEY = "sluice.backfill.reingest";

  private static final Logger LOG = LoggerFactory.getLogger(MiniBatch.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PipelineSpec spec;
  private final Configuration conf;
  private final Schema userSchema;
  private final Schema tableSchema;
  private final HudiTable events;
  private final QuarantineTable quarantine;
  private final StagingArea staging;

  public MiniBatch(PipelineSpec spec) {
    this(spec, HadoopConfs.of(spec));
  }

  public MiniBatch(PipelineSpec spec, Configuration conf) {
    this.spec = spec;
    this.conf = conf;
    this.userSchema = EventSchemas.userSchema(spec);
    this.tableSchema = EventSchemas.tableSchema(userSchema, spec.table());
    this.events = eventsTable(spec, conf);
    this.quarantine = new QuarantineTable(spec, conf);
    this.staging = new StagingArea(spec.stagingDir(), conf, tableSchema);
  }

  /** The events table of a pipeline. */
  public static HudiTable eventsTable(PipelineSpec spec, Configuration conf) {
    var t = spec.table();
    return new HudiTable(new HudiTable.Layout(t.name(), t.basePath(), t.type(), t.recordKey(), t.orderingField(),
        t.partitionColumns(), t.index()), conf, spec.hudi(), t.writeThreads());
  }

  public HudiTable events() {
    return events;
  }

  public QuarantineTable quarantine() {
    return quarantine;
  }

  public Schema tableSchema() {
    return tableSchema;
  }

  /** The checkpoint of the last committed batch, or the empty checkpoint for a new table. */
  public SourceCheckpoint committedCheckpoint() {
    return events.latestCommitMetadata(CHECKPOINT_KEY).map(SourceCheckpoint::fromJson).orElse(SourceCheckpoint.EMPTY);
  }

  /** Ingest then upsert in this process; finishes a batch a separate ingest stage left staged first. */
  public BatchReport runOnce() {
    Optional<StagedBatch> pending = staging.read();
    if (pending.isPresent()) {
      LOG.info("{}: finishing the batch staged by an earlier ingest stage", spec.name());
      BatchReport r = upsert(pending.get());
      staging.clear();
      return r;
    }
    return upsert(ingest());
  }

  /** The ingest stage on its own: stages the batch for a later {@link #upsertStaged()}. */
  public StagedBatch ingestAndStage() {
    Optional<StagedBatch> pending = staging.read();
    if (pending.isPresent()) {
      LOG.info("{}: a staged batch is already waiting for the upsert stage; not ingesting more", spec.name());
      return pending.get();
    }
    StagedBatch b = ingest();
    if (!b.isEmpty()) {
      staging.write(b);
    }
    return b;
  }

  /** The upsert stage on its own: commits the staged batch, if any. */
  public BatchReport upsertStaged() {
    Optional<StagedBatch> pending = staging.read();
    BatchReport r = upsert(pending.orElseGet(() -> emptyBatch(committedCheckpoint(), new LinkedHashMap<>())));
    staging.clear();
    return r;
  }

  /** Plans and reads the next batch and commits its quarantined records; does not touch the events table. */
  public StagedBatch ingest() {
    Map<String, Long> ms = new LinkedHashMap<>();
    long t = System.nanoTime();
    SourceCheckpoint from = committedCheckpoint();
    SourcePlan plan = new LandingDirSource(spec, conf).plan(from);
    t = StageTimes.lap(ms, "list", t);
    CrashPoints.reach(CrashPoints.INGEST_LISTED);
    if (plan.isEmpty()) {
      return emptyBatch(from, ms);
    }
    IngestResult result = new EventReader(spec, userSchema, conf).read(plan.files());
    t = StageTimes.lap(ms, "read", t);
    String qInstant = null;
    if (!result.quarantined().isEmpty()) {
      qInstant = quarantine.write(result.quarantined(), Map.of(CHECKPOINT_KEY, plan.next().toJson())).instant();
      StageTimes.lap(ms, "quarantine", t);
      CrashPoints.reach(CrashPoints.QUARANTINE_COMMITTED);
    }
    long bytes = plan.files().stream().mapToLong(f -> f.length()).sum();
    return new StagedBatch(from, plan.next(), result.records(), result.recordsIn(), result.quarantined().size(),
        result.deletes(), bytes, plan.backlogFiles(), qInstant, result.files(),
        SourceDrift.count(result.quarantined(), result.ignoredFields()), ms);
  }

  /**
   * What {@link #reingest} did.
   *
   * @param files landing files re-read
   * @param recordsIn records in them ({@code = good + quarantined})
   * @param quarantined records that fail validation (already in the quarantine table from their first ingest)
   * @param inRange good records whose event date is in the range, upserted again
   * @param commits events commits made
   */
  public record ReingestReport(int files, long recordsIn, long quarantined, long inRange, int commits) {}

  /** Progress of a re-ingest, after each chunk of files. */
  public interface ReingestProgress {
    void chunk(int filesDone, int filesTotal, long upserted);
  }

  /**
   * Re-reads the raw landing files this table already ingested and upserts again the events whose event
   * date is in [{@code from}, {@code to}]: how a backfill repairs those days from the raw data kept on the
   * cluster. Idempotent: the ordering field decides between a replayed version and the stored one, the
   * source checkpoint is carried unchanged, and quarantine rows are not rewritten. Files landed before
   * {@code from} minus the allowed future skew cannot hold those events and are not read.
   */
  public ReingestReport reingest(java.time.LocalDate from, java.time.LocalDate to, ReingestProgress progress) {
    if (staging.read().isPresent()) {
      throw new SluiceException("a staged batch of " + spec.name() + " is waiting for the upsert stage; run"
          + " `sluice upsert` (or `sluice run --once`) before a re-ingest");
    }
    SourceCheckpoint cp = committedCheckpoint();
    long landedSince = from.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
        .minus(spec.source().validation().maxFutureSkew()).toEpochMilli();
    List<io.sluice.ingest.LandingFile> files = new LandingDirSource(spec, conf).committedFiles(cp, landedSince);
    String lo = from.toString();
    String hi = to.toString();
    int chunk = spec.source().maxFilesPerBatch();
    long in = 0, bad = 0, upserted = 0;
    int commits = 0;
    EventReader reader = new EventReader(spec, userSchema, conf);
    for (int i = 0; i < files.size(); i += chunk) {
      List<io.sluice.ingest.LandingFile> part = files.subList(i, Math.min(files.size(), i + chunk));
      IngestResult r = reader.read(part);
      in += r.recordsIn();
      bad += r.quarantined().size();
      List<GenericRecord> keep = new java.util.ArrayList<>();
      for (GenericRecord g : r.records()) {
        String dt = String.valueOf(g.get(EventSchemas.DT));
        if (dt.compareTo(lo) >= 0 && dt.compareTo(hi) <= 0) {
          keep.add(g);
        }
      }
      if (!keep.isEmpty()) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(CHECKPOINT_KEY, cp.toJson());  // unchanged: a re-ingest is not new input
        meta.put(REINGEST_KEY, lo + ".." + hi);
        new HudiWriter(events, tableSchema).upsert(keep, meta, null);
        commits++;
        upserted += keep.size();
      }
      if (progress != null) {
        progress.chunk(Math.min(files.size(), i + chunk), files.size(), upserted);
      }
    }
    LOG.info("{}: re-ingested {} landing files for {}..{}: {} records in = {} good + {} quarantined; {} in range"
        + " upserted in {} commits", spec.name(), files.size(), lo, hi, in, in - bad, bad, upserted, commits);
    return new ReingestReport(files.size(), in, bad, upserted, commits);
  }

  private static StagedBatch emptyBatch(SourceCheckpoint cp, Map<String, Long> ms) {
    return new StagedBatch(cp, cp, List.of(), 0, 0, 0, 0, 0, null, List.of(), Map.of(), ms);
  }

  /** Commits a staged batch to the events table, exactly once. */
  public BatchReport upsert(StagedBatch b) {
    Map<String, Long> ms = new LinkedHashMap<>(b.stageMillis());
    if (b.isEmpty()) {
      return report(b, true, false, null, ms);
    }
    SourceCheckpoint current = committedCheckpoint();
    if (current.toJson().equals(b.next().toJson())) {
      LOG.info("{}: batch already committed (checkpoint matches); nothing to redo", spec.name());
      return report(b, false, true, null, ms);
    }
    if (!current.toJson().equals(b.from().toJson())) {
      throw new SluiceException("the staged batch of " + spec.name() + " starts from a checkpoint the events table"
          + " has moved past; it was not applied. Delete " + spec.stagingDir() + " and run again to re-ingest.");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(CHECKPOINT_KEY, b.next().toJson());
    // The batch's stats (a pass over every key) go into the commit metadata: they are computed on a
    // thread of their own while Hudi's serial preparation leaves the second core idle.
    ExecutorService statsThread = DaemonThreads.pool(1, "sluice-batch-stats");
    CompletableFuture<String> stats = CompletableFuture.supplyAsync(() -> stats(b), statsThread);
    statsThread.shutdown();
    CommitResult c = new HudiWriter(events, tableSchema).upsert(b.records(), () -> {
      meta.put(BATCH_STATS_KEY, OrderedReads.await(stats));
      return meta;
    }, CrashPoints.UPSERT_WRITTEN);
    ms.put("write", c.writeMillis());
    ms.put("commit", c.commitMillis());
    CrashPoints.reach(CrashPoints.UPSERT_COMMITTED);
    return report(b, false, false, c, ms);
  }

  private String stats(StagedBatch b) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("files", b.fileReports().size());
    s.put("bytes", b.bytes());
    s.put("records_in", b.recordsIn());
    s.put("good", b.records().size());
    s.put("deletes", b.deletes());
    s.put("quarantined", b.quarantined());
    s.put("duplicate_keys", duplicateKeys(b.records()));
    s.put("source_drift", b.sourceDrift());
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records whose key an earlier record of the same batch already had, as delivered. */
  private long duplicateKeys(List<GenericRecord> records) {
    List<String> keyFields = spec.table().recordKey();
    java.util.Set<String> seen = new java.util.HashSet<>(records.size() * 2);
    long dups = 0;
    if (keyFields.size() == 1) {
      // The key value itself, no joined copy: its String caches the hash that Hudi's key reuses.
      String f = keyFields.get(0);
      for (GenericRecord r : records) {
        if (!seen.add(String.valueOf(r.get(f)))) {
          dups++;
        }
      }
      return dups;
    }
    for (GenericRecord r : records) {
      StringBuilder k = new StringBuilder();
      for (String f : keyFields) {
        k.append(r.get(f)).append('\u0001');
      }
      if (!seen.add(k.toString())) {
        dups++;
      }
    }
    return dups;
  }

  private BatchReport report(StagedBatch b, boolean nothingNew, boolean already, CommitResult c, Map<String, Long> ms) {
    List<FileReport> files = b.fileReports();
    BatchReport r = new BatchReport(spec.name(), nothingNew, already, files.size(), b.bytes(), b.recordsIn(),
        b.records().size(), b.deletes(), b.quarantined(),
        c == null ? 0 : c.inserts(), c == null ? 0 : c.updates(), c == null ? 0 : c.deletes(),
        c == null ? 0 : c.upserted(), c == null ? new TreeSet<>() : c.partitions(),
        c == null ? null : c.instant(), b.quarantineInstant(), b.backlogFiles(), ms, files);
    LOG.info("{}: batch {}: {} files, {} records in, {} good ({} deletes), {} quarantined, {} partitions, backlog {} files, ms {}",
        spec.name(), r.eventsInstant() == null ? (nothingNew ? "empty" : "skipped") : r.eventsInstant(), r.files(),
        r.recordsIn(), r.good(), r.deletes(), r.quarantined(), r.partitions().size(), r.backlogFiles(), ms);
    return r;
  }
}
