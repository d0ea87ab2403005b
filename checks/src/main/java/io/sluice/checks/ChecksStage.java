package io.sluice.checks;

import io.sluice.checks.alerts.AlertRouter;
import io.sluice.checks.records.RecordBatch;
import io.sluice.checks.records.RecordModel;
import io.sluice.checks.records.RecordModelStore;
import io.sluice.checks.records.RecordOutlierCheck;
import io.sluice.core.CrashPoints;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.MetricSpec;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.util.StageTimes;
import io.sluice.incremental.Change;
import io.sluice.incremental.ChangeSet;
import io.sluice.incremental.ChangeSetCache;
import io.sluice.incremental.Changes;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.incremental.MetricsTable;
import io.sluice.incremental.RangeUnavailableException;
import io.sluice.incremental.RecordView;
import io.sluice.upserts.CommitResult;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks stage: after each metrics recompute, judges what changed since the last run (the metric
 * windows and events records, read incrementally) plus a freshness gate on every run, writes every
 * finding to {@code <pipeline>_check_results} and routes alerts. The events and metrics instants it
 * checked up to travel in the results commit, and its column profiles and detector state go live only
 * with that commit ({@link StagedState}), so a rerun after a crash redoes exactly the same run.
 */
public final class ChecksStage {
  public static final String EVENTS_INSTANT_KEY = "sluice.checks.events_instant";
  public static final String METRICS_INSTANT_KEY = "sluice.checks.metrics_instant";
  public static final String WATERMARK_KEY = "sluice.checks.watermark";
  private static final Logger LOG = LoggerFactory.getLogger(ChecksStage.class);

  private final PipelineSpec spec;
  private final Configuration conf;
  private final CheckResultsTable results;
  private final MetricsTable metrics;
  private final HudiTable events;
  private final Schema eventsSchema;
  private final Schema userSchema;
  private final DetectorStateStore detectorStore;
  private Clock clock = Clock.systemUTC();
  private ChangeSetCache changeCache = ChangeSetCache.none();

  public ChecksStage(PipelineSpec spec, Configuration conf) {
    if (spec.metrics().isEmpty()) {
      throw new SluiceException("pipeline " + spec.name() + " defines no metrics, which the checks judge;"
          + " add a metrics: section or set checks.enabled: false");
    }
    this.spec = spec;
    this.conf = conf;
    this.results = new CheckResultsTable(spec, conf);
    this.metrics = new MetricsTable(spec, conf);
    this.events = MiniBatch.eventsTable(spec, conf);
    this.detectorStore = new DetectorStateStore(spec.checksStateDir(), conf);
    this.userSchema = EventSchemas.userSchema(spec);
    this.eventsSchema = EventSchemas.tableSchema(userSchema, spec.table());
  }

  /** Uses {@code c} as "now" (freshness, evaluation times); the system clock by default. */
  public ChecksStage withClock(Clock c) {
    this.clock = c;
    return this;
  }

  /** Reads the events' changes through {@code cache}, which an earlier stage of the run may have filled. */
  public ChecksStage withChangeCache(ChangeSetCache cache) {
    this.changeCache = cache;
    return this;
  }

  public CheckResultsTable resultsTable() {
    return results;
  }

  /** Checks what changed since the last run. */
  public ChecksReport run() {
    Map<String, Long> ms = new LinkedHashMap<>();
    long t = System.nanoTime();
    String lastEvents = results.table().latestCommitMetadata(EVENTS_INSTANT_KEY).orElse(null);
    String lastMetrics = results.table().latestCommitMetadata(METRICS_INSTANT_KEY).orElse(null);
    long lastWm = results.table().latestCommitMetadata(WATERMARK_KEY).map(Long::parseLong).orElse(Long.MIN_VALUE);
    StagedState staged = new StagedState(spec.checksStateDir(), conf);
    staged.recover(token(lastEvents, lastMetrics));
    AlertRouter router = new AlertRouter(spec, conf, clock);
    RoutedAlerts routed = new RoutedAlerts(spec.checksStateDir(), conf);
    routeUnsent(router, routed);
    String latestMetrics = metrics.table().exists()
        ? new SnapshotReader(metrics.table(), metrics.schema()).latestInstant().orElse(null) : null;
    String eventsUntil = metrics.table().latestCommitMetadata(MetricWindowRecompute.SOURCE_INSTANT_KEY).orElse(null);
    long maxEvent = metrics.table().latestCommitMetadata(MetricWindowRecompute.MAX_EVENT_TIME_KEY)
        .map(Long::parseLong).orElse(Long.MIN_VALUE);
    long watermark = maxEvent == Long.MIN_VALUE ? Long.MIN_VALUE
        : maxEvent - spec.metrics().allowedLateness().toMillis();
    CheckContext ctx = new CheckContext(spec, eventsUntil == null ? "no-events" : eventsUntil, clock.millis());
    String table = spec.table().name();
    new FreshnessCheck().run(ctx, table, maxEvent);
    boolean newMetrics = latestMetrics != null && !latestMetrics.equals(lastMetrics);
    boolean newEvents = eventsUntil != null && !eventsUntil.equals(lastEvents);
    List<MetricAnomalyCheck.ScoredSeries> series = new ArrayList<>();
    Map<String, Map<String, DetectorStateStore.Entry>> detectors = new TreeMap<>();
    if (newMetrics) {
      series = checkMetrics(ctx, lastMetrics, latestMetrics, lastWm, watermark, detectors);
      t = StageTimes.lap(ms, "metrics", t);
    }
    ProfileStore.State profiles = null;
    ProfileStore store = new ProfileStore(spec.checksStateDir(), conf);
    RecordOutlierCheck.Summary records = null;
    if (newEvents) {
      EventsChecked checked = checkEvents(ctx, store, lastEvents, eventsUntil, lastWm);
      profiles = checked.profiles();
      t = StageTimes.lap(ms, "events", t);
      if (spec.checks().records().enabled() && checked.changes() != null) {
        // The model as of this run's end is saved before the results commit: a rerun of the same
        // range starts again from the model as of its start and overwrites it identically.
        records = scoreRecords(ctx, checked.changes(), lastEvents, eventsUntil);
        t = StageTimes.lap(ms, "records", t);
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(EVENTS_INSTANT_KEY, eventsUntil == null ? "" : eventsUntil);
    meta.put(METRICS_INSTANT_KEY, latestMetrics == null ? "" : latestMetrics);
    meta.put(WATERMARK_KEY, String.valueOf(Math.max(watermark, lastWm)));
    // Profiles and detector state go live only with the results that were judged with them.
    if (profiles != null) {
      new ProfileStore(staged.dir(), conf).save(profiles);
    }
    DetectorStateStore stagedDetectors = new DetectorStateStore(staged.dir(), conf);
    detectors.forEach(stagedDetectors::save);
    if (profiles != null || !detectors.isEmpty()) {
      staged.seal(token(eventsUntil, latestMetrics));
    }
    CommitResult c = results.write(ctx.results(), meta, CrashPoints.CHECKS_WRITTEN);
    CrashPoints.reach(CrashPoints.CHECKS_COMMITTED);
    staged.publish();
    t = StageTimes.lap(ms, "write", t);
    Map<String, Integer> sent = router.route(ctx.results());
    routed.routedThrough(c.instant());
    StageTimes.lap(ms, "alerts", t);
    ChecksReport r = new ChecksReport(ctx.runId(), !newMetrics && !newEvents, List.copyOf(ctx.results()), series,
        records, sent, c.instant(), ms);
    LOG.info("{}: checks run {}: {} findings ({} critical, {} warn), alerts {}, ms {}", spec.name(), r.runId(),
        r.results().size(), r.count(Severity.CRITICAL), r.count(Severity.WARN), sent, ms);
    return r;
  }

  /**
   * Routes the findings of results commits whose run stopped before alerting, so a crash delays an
   * alert but never drops it. A repeat of one that did go out is held back as an open incident.
   */
  private void routeUnsent(AlertRouter router, RoutedAlerts routed) {
    String latest = results.table().exists()
        ? new SnapshotReader(results.table(), CheckResultsTable.SCHEMA).latestInstant().orElse(null) : null;
    Optional<String> through = routed.through();
    if (through.isEmpty()) {
      // A first run starts from nothing; results from before this record existed are taken as routed.
      routed.routedThrough(latest == null ? "" : latest);
      return;
    }
    String since = through.get().isEmpty() ? null : through.get();
    if (latest == null || (since != null && latest.compareTo(since) <= 0)) {
      return;
    }
    List<CheckResult> unsent = new ArrayList<>();
    try {
      ChangeSet missed = Changes.of(results.table(), CheckResultsTable.SCHEMA).since(since).until(latest).read();
      for (Change ch : missed.changes()) {
        if (ch.after() != null) {
          unsent.add(CheckResultsTable.fromRecord(ch.after()));
        }
      }
    } catch (RangeUnavailableException e) {
      LOG.warn("{}: results after {} were never alerted and are no longer readable: {}", spec.name(), since, e.getMessage());
      routed.routedThrough(latest);
      return;
    }
    if (!unsent.isEmpty()) {
      LOG.warn("{}: a run committed results through {} but stopped before alerting; routing its {} findings now",
          spec.name(), latest, unsent.size());
      router.route(unsent);
    }
    routed.routedThrough(latest);
  }

  /** What a results commit records as checked: the events and metrics instants. */
  private static String token(String eventsInstant, String metricsInstant) {
    return Objects.toString(eventsInstant, "") + "|" + Objects.toString(metricsInstant, "");
  }

  private List<MetricAnomalyCheck.ScoredSeries> checkMetrics(CheckContext ctx, String since, String until, long lastWm,
                                                             long watermark,
                                                             Map<String, Map<String, DetectorStateStore.Entry>> detectors) {
    ChangeSet mc;
    try {
      mc = Changes.of(metrics.table(), metrics.schema()).since(since).until(until).read();
    } catch (RangeUnavailableException e) {
      LOG.warn("{}: {}; checking every metric window instead", spec.name(), e.getMessage());
      mc = Changes.of(metrics.table(), metrics.schema()).since(null).until(until).read();
    }
    Map<String, SortedSet<Long>> changed = new HashMap<>();
    for (Change ch : mc.changes()) {
      GenericRecord img = ch.after() != null ? ch.after() : ch.before();
      boolean complete = ch.after() == null || Boolean.TRUE.equals(ch.after().get("is_complete"));
      if (complete) {
        changed.computeIfAbsent(img.get("metric").toString(), k -> new TreeSet<>()).add((Long) img.get("window_start"));
      }
    }
    MetricSpec volume = volumeMetric();
    if (volume != null && lastWm != Long.MIN_VALUE && watermark != Long.MIN_VALUE) {
      // Windows the watermark passed since the last run: a missing window has no row to change.
      long size = volume.grain().size().toMillis();
      for (long w = volume.grain().windowStart(lastWm); w + size <= watermark; w += size) {
        if (w + size > lastWm) {
          changed.computeIfAbsent(volume.name(), k -> new TreeSet<>()).add(w);
        }
      }
    }
    if (changed.isEmpty()) {
      return List.of();
    }
    long min = changed.values().stream().mapToLong(SortedSet::first).min().orElseThrow();
    long max = changed.values().stream().mapToLong(SortedSet::last).max().orElseThrow();
    LocalDate to = LocalDate.ofInstant(Instant.ofEpochMilli(max), ZoneOffset.UTC);
    LocalDate from = LocalDate.ofInstant(Instant.ofEpochMilli(min), ZoneOffset.UTC)
        .minusDays(spec.checks().history().toDays());
    MetricHistory history = MetricHistory.load(spec, metrics, from, to);
    String table = spec.metricsTableName();
    if (volume != null && changed.containsKey(volume.name())) {
      new VolumeCheck().run(ctx, history, volume, MetricHistory.countColumn(volume), changed.get(volume.name()),
          spec.table().name());
    }
    MetricAnomalyCheck anomaly = new MetricAnomalyCheck();
    for (MetricSpec m : spec.metrics().definitions()) {
      SortedSet<Long> ws = changed.get(m.name());
      if (ws == null) {
        continue;
      }
      String count = MetricHistory.countColumn(m);
      if (!m.dimensions().isEmpty() && count != null) {
        new SegmentCheck().run(ctx, history, m, count, ws, table);
      }
      if (spec.checks().anomaly().enabled()) {
        Map<String, DetectorStateStore.Entry> saved = detectorStore.load(m.name());
        anomaly.run(ctx, history, m, ws, table, saved);
        detectors.put(m.name(), saved);
      }
    }
    return anomaly.scored();
  }

  /** The metric whose counts are the volume gate: configured, else the first unfiltered one with a count. */
  MetricSpec volumeMetric() {
    ChecksSpec.Volume v = spec.checks().volume();
    for (MetricSpec m : spec.metrics().definitions()) {
      if (v.metric() != null ? m.name().equals(v.metric())
          : m.filter() == null && MetricHistory.countColumn(m) != null) {
        return MetricHistory.countColumn(m) == null ? null : m;
      }
    }
    return null;
  }

  /** Scores the changed records with the model as of {@code since}, then saves it as of {@code until}. */
  private RecordOutlierCheck.Summary scoreRecords(CheckContext ctx, ChangeSet ec, String since, String until) {
    ChecksSpec.Records cfg = spec.checks().records();
    String eventTime = spec.table().eventTimeField();
    ToLongFunction<Object> toMillis = EventSchemas.eventTimeMillis(eventsSchema, eventTime);
    List<RecordBatch.Event> evs = new ArrayList<>();
    for (Change ch : ec.changes()) {
      if (ch.after() != null) {
        RecordView v = new RecordView(ch.after());
        evs.add(new RecordBatch.Event(ch.key(), toMillis.applyAsLong(v.get(eventTime)), v));
      }
    }
    if (evs.isEmpty()) {
      return null;
    }
    RecordBatch batch = new RecordBatch(evs, cfg.entity());
    RecordModelStore models = new RecordModelStore(spec.checksStateDir(), conf);
    // While the forest is still warming up, its encodings are refit on the newest batch: a first
    // batch of a handful of records would otherwise fix the scales until the daily retrain.
    RecordModel model = models.asOf(since).filter(RecordModel::ready).orElseGet(() -> RecordModel.fresh(
        batch.fit(RecordBatch.columns(spec, userSchema)), cfg, 0, RecordModel.Origin.ONLINE));
    List<RecordBatch.Scored> scored = batch.scoreThenLearn(model, cfg.top(), cfg.updateSample());
    RecordOutlierCheck.Summary summary = new RecordOutlierCheck(cfg).judge(ctx, spec.table().name(), model, scored);
    RecordModel next = model.seenThrough(until);
    models.save(next);
    models.saveSummary(summary);
    LOG.info("{}: record model {} saved", spec.name(), next);
    return summary;
  }

  /** The column profiles to save after an events check, and the changes it read; both null when the range was unavailable. */
  private record EventsChecked(ProfileStore.State profiles, ChangeSet changes) {}

  private EventsChecked checkEvents(CheckContext ctx, ProfileStore store, String since, String until, long lastWm) {
    String table = spec.table().name();
    BatchDeliveryCheck delivery = new BatchDeliveryCheck();
    BatchDeliveryCheck.Delivered delivered = new BatchDeliveryCheck.Delivered();
    events.commitMetadataBetween(since, until, MiniBatch.BATCH_STATS_KEY).values().forEach(delivered::add);
    ChangeSet ec;
    try {
      ec = changeCache.read(events, eventsSchema, since, until);
    } catch (RangeUnavailableException e) {
      ctx.emit(CheckResult.of("column_quality", CheckResult.QUALITY, table), Severity.WARN, "skipped",
          "quality checks skipped this run: " + e.getMessage());
      delivery.drift(ctx, table, delivered);
      return new EventsChecked(null, null);
    }
    List<String> columns = profiledColumns();
    String eventTime = spec.table().eventTimeField();
    long lateSize = volumeMetric() == null ? 3_600_000L : volumeMetric().grain().size().toMillis();
    // A profile counts nulls and samples numbers, so it takes the record's raw values: strings stay undecoded.
    Map<String, DayProfiles> profiles = new TreeMap<>();
    Schema positionsOf = null;
    int[] positions = null;
    int timePos = -1;
    ToLongFunction<Object> toMillis = EventSchemas.eventTimeMillis(eventsSchema, eventTime);
    Map<String, Long> lateByDay = new TreeMap<>();
    long changed = 0;
    long redelivered = 0;
    for (Change ch : ec.changes()) {
      if (ch.after() == null) {
        continue;
      }
      changed++;
      if (ch.op() == Change.Op.UPDATE && sameContent(ch.before(), ch.after())) {
        redelivered++;
      }
      GenericRecord after = ch.after();
      if (after.getSchema() != positionsOf) {
        positionsOf = after.getSchema();
        positions = positions(positionsOf, columns);
        timePos = positionsOf.getField(eventTime).pos();
      }
      long ts = toMillis.applyAsLong(after.get(timePos));
      String day = EventSchemas.day(ts);
      if (lastWm != Long.MIN_VALUE && Math.floorDiv(ts, lateSize) * lateSize + lateSize <= lastWm) {
        lateByDay.merge(day, 1L, Long::sum);
      }
      DayProfiles dp = profiles.computeIfAbsent(day, d -> DayProfiles.of(d, columns));
      for (int i = 0; i < positions.length; i++) {
        dp.profiles()[i].add(positions[i] < 0 ? null : after.get(positions[i]), dp.random()[i]);
      }
    }
    Map<String, Map<String, ColumnProfile>> current = new TreeMap<>();
    profiles.forEach((day, dp) -> {
      Map<String, ColumnProfile> byCol = current.computeIfAbsent(day, k -> new TreeMap<>());
      for (int i = 0; i < columns.size(); i++) {
        byCol.put(columns.get(i), dp.profiles()[i]);
      }
    });
    delivery.duplicates(ctx, table, delivered, changed, redelivered);
    delivery.drift(ctx, table, delivered);
    long corrections = metrics.table().commitMetadataBetween(null, null, MetricWindowRecompute.LATE_CORRECTIONS_KEY)
        .entrySet().stream().filter(e -> since == null || e.getKey().compareTo(since) > 0)
        .mapToLong(e -> Long.parseLong(e.getValue())).sum();
    delivery.late(ctx, table, changed, lateByDay, corrections);

    ProfileStore.State state = store.load();
    Map<String, ColumnProfile> baseline = baseline(state);
    ColumnQualityCheck quality = new ColumnQualityCheck();
    current.forEach((day, cols) -> quality.run(ctx, table, day, cols, baseline));
    quality.summarize(ctx, table);
    if (!Objects.equals(state.through, until)) {
      current.forEach((day, cols) -> {
        Map<String, ColumnProfile> stored = state.days.computeIfAbsent(day, k -> new TreeMap<>());
        cols.forEach((col, p) -> stored.merge(col, p, (a, b) -> a.merge(b, ColumnQualityCheck.random(day, col))));
      });
      String oldest = LocalDate.now(clock).minusDays(spec.checks().history().toDays()).toString();
      state.days.keySet().removeIf(d -> d.compareTo(oldest) < 0 && state.days.size() > spec.checks().history().toDays());
      state.through = until;
    }
    return new EventsChecked(state, ec);
  }

  /** One day's profile and seeded sampler per profiled column, by the column's index. */
  private record DayProfiles(ColumnProfile[] profiles, SplittableRandom[] random) {
    static DayProfiles of(String day, List<String> columns) {
      ColumnProfile[] ps = new ColumnProfile[columns.size()];
      SplittableRandom[] rs = new SplittableRandom[columns.size()];
      for (int i = 0; i < ps.length; i++) {
        ps[i] = new ColumnProfile();
        rs[i] = ColumnQualityCheck.random(day, columns.get(i));
      }
      return new DayProfiles(ps, rs);
    }
  }

  /** Each column's position in {@code schema}; -1 where the schema has no such field (profiled as null). */
  private static int[] positions(Schema schema, List<String> columns) {
    int[] pos = new int[columns.size()];
    for (int i = 0; i < pos.length; i++) {
      Schema.Field f = schema.getField(columns.get(i));
      pos[i] = f == null ? -1 : f.pos();
    }
    return pos;
  }

  private Map<String, ColumnProfile> baseline(ProfileStore.State state) {
    Map<String, ColumnProfile> b = new HashMap<>();
    state.days.forEach((day, cols) -> cols.forEach((col, p) ->
        b.merge(col, p, (x, y) -> x.merge(y, ColumnQualityCheck.random(day, col)))));
    return b;
  }

  /** Configured columns, else every user field except the key, ordering field, event time and time-typed ones. */
  List<String> profiledColumns() {
    if (!spec.checks().quality().columns().isEmpty()) {
      return spec.checks().quality().columns();
    }
    Schema user = userSchema;
    Set<String> skip = new java.util.HashSet<>(spec.table().recordKey());
    skip.add(spec.table().eventTimeField());
    skip.add(spec.table().orderingField());
    if (spec.table().deleteField() != null) {
      skip.add(spec.table().deleteField());
    }
    List<String> out = new ArrayList<>();
    for (Schema.Field f : user.getFields()) {
      LogicalType lt = EventSchemas.nonNull(f.schema()).getLogicalType();
      boolean timeLike = lt != null && lt.getName().startsWith("time") || lt != null && lt.getName().equals("date");
      if (!skip.contains(f.name()) && !timeLike) {
        out.add(f.name());
      }
    }
    return out;
  }

  private boolean sameContent(GenericRecord before, GenericRecord after) {
    if (before == null) {
      return false;
    }
    for (Schema.Field f : userSchema.getFields()) {
      if (!Objects.equals(before.get(f.name()), after.get(f.name()))) {
        return false;
      }
    }
    return true;
  }
}
