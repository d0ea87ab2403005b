package io.sluice.incremental;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.CrashPoints;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.EventFilter;
import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.Measure;
import io.sluice.core.spec.MetricSpec;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.upserts.CommitResult;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.HudiWriter;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import io.sluice.core.util.StageTimes;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code <pipeline>_metrics} equal to a from-scratch aggregation of the events table while
 * reading only what changed. The windows a batch touched come from the before- and after-images of
 * its changes (so updates that move a record, and deletes, are handled), plus windows the watermark
 * just passed; exactly those windows are recomputed from the current snapshot of the partitions
 * holding them. The events instant consumed is stored in the metrics commit, so a rerun resumes
 * exactly where the last commit ended.
 */
public final class MetricWindowRecompute {
  public static final String SOURCE_INSTANT_KEY = "sluice.metrics.source_instant";
  public static final String MAX_EVENT_TIME_KEY = "sluice.metrics.max_event_time";
  public static final String LATE_CORRECTIONS_KEY = "sluice.metrics.late_corrections";
  /**
   * Metrics whose rows are complete for their current definition (name to definition), i.e. computed
   * from all events since the definition took effect. Only those may be kept by delta: a new or changed
   * metric has no rows, or rows of another definition, for windows no change has touched since.
   */
  public static final String COMPLETE_DEFINITIONS_KEY = "sluice.metrics.complete_definitions";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(MetricWindowRecompute.class);

  private final PipelineSpec spec;
  private final HudiTable events;
  private final Schema eventsSchema;
  private final MetricsTable metrics;
  private final List<Compiled> compiled = new ArrayList<>();
  private final String eventTime;
  private final ToLongFunction<Object> eventTimeMillis;
  private ChangeSetCache changeCache = ChangeSetCache.none();

  /** A metric with its parsed measures and filter; metrics with the same filter text share its slot. */
  private record Compiled(MetricSpec spec, List<Measure> measures, EventFilter filter, int filterSlot) {
    boolean accepts(Map<String, Object> e, Verdicts verdicts) {
      return filter == null || verdicts.test(this, e);
    }

    boolean decomposable() {
      return WindowAggregate.decomposable(measures);
    }

    /** Everything that decides a metric's rows, as text: a change of it invalidates them. */
    String definition() {
      return spec.grain().label() + " | " + String.join(",", spec.dimensions()) + " | " + measures + " | "
          + Objects.toString(spec.filter(), "");
    }
  }

  public MetricWindowRecompute(PipelineSpec spec, Configuration conf) {
    if (spec.metrics().isEmpty()) {
      throw new SluiceException("pipeline " + spec.name() + " defines no metrics; add a metrics: section to the spec");
    }
    this.spec = spec;
    this.events = MiniBatch.eventsTable(spec, conf);
    this.eventsSchema = EventSchemas.tableSchema(EventSchemas.userSchema(spec), spec.table());
    this.metrics = new MetricsTable(spec, conf);
    this.eventTime = spec.table().eventTimeField();
    this.eventTimeMillis = EventSchemas.eventTimeMillis(eventsSchema, eventTime);
    Map<String, Integer> filterSlots = new HashMap<>();
    for (MetricSpec m : spec.metrics().definitions()) {
      int slot = m.filter() == null ? -1 : filterSlots.computeIfAbsent(m.filter(), f -> filterSlots.size());
      compiled.add(new Compiled(m, m.parsedMeasures(), m.filter() == null ? null : EventFilter.compile(m.filter()), slot));
    }
  }

  /** Reads the events' changes through {@code cache}, shared with later stages of the same run. */
  public MetricWindowRecompute withChangeCache(ChangeSetCache cache) {
    this.changeCache = cache;
    return this;
  }

  public MetricsTable metricsTable() {
    return metrics;
  }

  /** The events instant the metrics last consumed, and the events table's latest; either may be null. */
  private record Position(String consumed, String latest) {
    boolean behind() {
      return latest != null && !latest.equals(consumed);
    }
  }

  private Position position() {
    return new Position(metrics.table().latestCommitMetadata(SOURCE_INSTANT_KEY).orElse(null),
        new SnapshotReader(events, eventsSchema).latestInstant().orElse(null));
  }

  /** True when the events table has commits the metrics have not consumed yet: the next {@link #incremental()} has work. */
  public boolean behind() {
    return position().behind();
  }

  /** Recomputes the windows touched since the last consumed events instant. */
  public RecomputeReport incremental() {
    Map<String, Long> ms = new LinkedHashMap<>();
    long t = System.nanoTime();
    Position at = position();
    String consumed = at.consumed();
    String latest = at.latest();
    long prevMax = metrics.table().latestCommitMetadata(MAX_EVENT_TIME_KEY).map(Long::parseLong).orElse(Long.MIN_VALUE);
    if (!at.behind()) {
      return new RecomputeReport(false, true, consumed, consumed, 0, 0, 0, 0, 0, 0, 0, 0, 0, watermark(prevMax),
          new ScanMetrics(0, 0, 0, 0), null, ms);
    }
    ChangeSet cs = changeCache.read(events, eventsSchema, consumed, latest);
    t = StageTimes.lap(ms, "changes", t);
    // Deltas need rows that reflect exactly `consumed`; with nothing consumed yet, every window is recomputed.
    // From the beginning every window with data is touched, so the run completes every metric.
    Plan plan = new Plan(consumed, consumed == null ? null : completeDefinitions());
    long maxEvent = prevMax;
    Verdicts verdicts = new Verdicts(compiled);
    for (Change c : cs.changes()) {
      for (GenericRecord img : new GenericRecord[] {c.before(), c.after()}) {
        if (img == null) {
          continue;
        }
        Map<String, Object> e = asMap(img);
        verdicts.next();
        long ts = eventMillis(img);
        if (img == c.after()) {
          maxEvent = Math.max(maxEvent, ts);
        }
        for (int i = 0; i < compiled.size(); i++) {
          Compiled m = compiled.get(i);
          if (m.accepts(e, verdicts)) {
            long w = m.spec().grain().windowStart(ts);
            if (plan.byDelta(i)) {
              plan.delta(i, w, e, img == c.after());
            } else {
              plan.recompute(i, w);
            }
          }
        }
      }
    }
    // Windows the watermark passed in this batch flip to complete even without changes.
    long oldWm = watermark(prevMax);
    long newWm = watermark(maxEvent);
    if (prevMax != Long.MIN_VALUE) {
      for (int i = 0; i < compiled.size(); i++) {
        long size = compiled.get(i).spec().grain().size().toMillis();
        for (long w = compiled.get(i).spec().grain().windowStart(oldWm) - size; w + size <= newWm; w += size) {
          if (w + size > oldWm) {
            if (plan.byDelta(i)) {
              plan.flip(i, w);
            } else {
              plan.recompute(i, w);
            }
          }
        }
      }
    }
    return recompute(plan, maxEvent, latest, latest, false, consumed, cs.changes().size(), cs.metrics(),
        cs.newFileGroups(), ms, t);
  }

  /**
   * Recomputes every window of the given UTC dates (all dates when both are null) from scratch, through
   * the same code as {@link #incremental()}. Over all dates it also moves the consumed instant to the
   * latest events commit; over a date range it leaves it, so no change outside the range is skipped.
   * Either way it reads the latest snapshot, so it also repairs a range whose changes were cleaned.
   */
  public RecomputeReport full(LocalDate from, LocalDate to) {
    Map<String, Long> ms = new LinkedHashMap<>();
    long t = System.nanoTime();
    SnapshotReader reader = new SnapshotReader(events, eventsSchema);
    String latest = reader.latestInstant().orElse(null);
    String consumed = metrics.table().latestCommitMetadata(SOURCE_INSTANT_KEY).orElse(null);
    Set<String> days = new TreeSet<>();
    for (String p : reader.partitions()) {
      String day = dayOf(p);
      if ((from == null || day.compareTo(from.toString()) >= 0) && (to == null || day.compareTo(to.toString()) <= 0)) {
        days.add(day);
      }
    }
    // old metric rows in the range are candidates for deletion too
    for (String p : new SnapshotReader(metrics.table(), metrics.schema()).partitions()) {
      String day = dayOf(p);
      if ((from == null || day.compareTo(from.toString()) >= 0) && (to == null || day.compareTo(to.toString()) <= 0)) {
        days.add(day);
      }
    }
    boolean everything = from == null && to == null;
    long prevMax = metrics.table().latestCommitMetadata(MAX_EVENT_TIME_KEY).map(Long::parseLong).orElse(Long.MIN_VALUE);
    Plan plan = new Plan(null, everything ? null : completeDefinitions());
    plan.recomputeDays(days);
    return recompute(plan, prevMax, everything ? latest : consumed, latest, true, consumed, 0,
        new ScanMetrics(0, 0, 0, 0), Map.of(), ms, t);
  }

  /**
   * What one recompute does per metric: windows recomputed from the snapshot, groups kept by delta
   * from their previous row and the changed records, and windows whose rows only flip to complete.
   */
  private final class Plan {
    private final String consumed;
    /** Definitions complete before this run; null when this run recomputes everything, which completes them all. */
    private final Map<String, String> complete;
    private final Map<Integer, Set<Long>> windows = new HashMap<>();
    private Set<String> days;   // full recompute: every window of these dates
    // keyed by typed group while changes are planned, by metrics-table row key once they all are
    private final Map<GroupKey, DeltaGroup> deltaGroups = new LinkedHashMap<>();
    private Map<String, DeltaGroup> deltas;
    private final Map<Integer, Set<Long>> flips = new HashMap<>();

    /** Per metric: kept by delta this run. Asked for every change, so decided once. */
    private final boolean[] delta;

    Plan(String consumed, Map<String, String> complete) {
      this.consumed = consumed;
      this.complete = complete;
      this.delta = new boolean[compiled.size()];
      for (int i = 0; i < delta.length; i++) {
        Compiled m = compiled.get(i);
        delta[i] = consumed != null && complete != null && m.decomposable()
            && m.definition().equals(complete.get(m.spec().name()));
      }
    }

    boolean byDelta(int metric) {
      return delta[metric];
    }

    /** What the commit records as complete: after a recompute of everything, every metric as defined now. */
    Map<String, String> completeAfter() {
      Map<String, String> out = new TreeMap<>();
      for (Compiled m : compiled) {
        if (complete == null || m.definition().equals(complete.get(m.spec().name()))) {
          out.put(m.spec().name(), m.definition());
        }
      }
      return out;
    }

    void recompute(int metric, long window) {
      windows.computeIfAbsent(metric, k -> new HashSet<>()).add(window);
    }

    void recomputeDays(Set<String> d) {
      days = d;
    }

    boolean recomputed(int metric, long window) {
      return days != null ? days.contains(EventSchemas.day(window))
          : windows.getOrDefault(metric, Set.of()).contains(window);
    }

    void delta(int metric, long window, Map<String, Object> event, boolean added) {
      if (deltas != null) {
        throw new IllegalStateException("delta groups were already keyed by row");
      }
      Compiled m = compiled.get(metric);
      DeltaGroup g = deltaGroups.computeIfAbsent(new GroupKey(metric, window, dimArray(m.spec().dimensions(), event)),
          k -> {
            List<Object> values = Arrays.asList(k.dims);
            String dims = dimsKey(m.spec().dimensions(), values);
            return new DeltaGroup(metric, window, rowKey(m.spec(), window, dims), group(m, window, dims, values),
                new WindowAggregate(m.measures()));
          });
      if (added) {
        g.added.add(event);
      } else {
        g.removed.add(event);
      }
    }

    /** The delta groups by metrics-table row key; ends the planning of deltas. */
    Map<String, DeltaGroup> deltas() {
      if (deltas == null) {
        deltas = new LinkedHashMap<>();
        deltaGroups.values().forEach(g -> deltas.put(g.rowKey(), g));
      }
      return deltas;
    }

    void flip(int metric, long window) {
      flips.computeIfAbsent(metric, k -> new HashSet<>()).add(window);
    }

    boolean flipped(int metric, long window) {
      return flips.getOrDefault(metric, Set.of()).contains(window);
    }

    /** UTC dates of every window the plan touches, for reading the metrics table. */
    Set<String> metricDays() {
      Set<String> out = new TreeSet<>(days == null ? Set.of() : days);
      windows.values().forEach(ws -> ws.forEach(w -> out.add(EventSchemas.day(w))));
      flips.values().forEach(ws -> ws.forEach(w -> out.add(EventSchemas.day(w))));
      deltaGroups.values().forEach(g -> out.add(EventSchemas.day(g.window)));
      return out;
    }

    /** UTC dates whose events must be read: those of recomputed windows. */
    Set<String> eventDays() {
      Set<String> out = new TreeSet<>(days == null ? Set.of() : days);
      windows.values().forEach(ws -> ws.forEach(w -> out.add(EventSchemas.day(w))));
      return out;
    }
  }

  /**
   * A group kept by delta: its row's identity, the records that entered it, folded as they are planned
   * (while each record is still in the cache), and those that left it, which are applied one by one
   * because a removal can fail.
   */
  private record DeltaGroup(int metric, long window, String rowKey, Map<String, Object> group,
      WindowAggregate added, List<Map<String, Object>> removed) {
    DeltaGroup(int metric, long window, String rowKey, Map<String, Object> group, WindowAggregate added) {
      this(metric, window, rowKey, group, added, new ArrayList<>());
    }
  }

  /** The identifying columns of a group's row: metric, grain, window bounds, dims and dimension values. */
  private static Map<String, Object> group(Compiled m, long w, String dims, List<Object> values) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("metric", m.spec().name());
    g.put("grain", m.spec().grain().label());
    g.put("window_start", w);
    g.put("window_end", w + m.spec().grain().size().toMillis());
    g.put("dims", dims);
    List<String> names = m.spec().dimensions();
    for (int i = 0; i < names.size(); i++) {
      Object v = values.get(i);
      g.put(names.get(i), v == null ? null : v.toString());
    }
    return g;
  }

  /** {@code held}: file groups whose records as of {@code readAsOf} the change read already holds. */
  private RecomputeReport recompute(Plan plan, long maxEventIn, String until, String readAsOf, boolean full,
      String since, long changes, ScanMetrics scan, Map<String, List<GenericRecord>> held, Map<String, Long> ms,
      long t) {
    // 1. The metric rows of every touched date; the metrics table is small next to the events.
    Set<String> metricDays = plan.metricDays();
    SnapshotReader metricsReader = new SnapshotReader(metrics.table(), metrics.schema());
    List<String> metricParts = metricsReader.partitions().stream().filter(p -> metricDays.contains(dayOf(p))).toList();
    Map<String, GenericRecord> rowsByKey = new HashMap<>();
    for (GenericRecord r : metricsReader.read(metricParts)) {
      int i = indexOf(r.get("metric").toString());
      if (i >= 0) {
        rowsByKey.put(rowKey(compiled.get(i).spec(), (Long) r.get("window_start"), r.get("dims").toString()), r);
      }
    }

    // 2. Delta groups and flipped rows from their previous rows; a group that cannot be kept by delta
    //    (min/max removed, no partial state, row newer than the consumed instant) has its window recomputed.
    Map<String, Map<String, Object>> groups = new TreeMap<>();
    Map<String, WindowAggregate> aggs = new HashMap<>();
    Set<String> windows = new HashSet<>();
    Set<String> deltaWindows = new HashSet<>();
    for (Map.Entry<String, DeltaGroup> d : plan.deltas().entrySet()) {
      DeltaGroup g = d.getValue();
      Compiled m = compiled.get(g.metric());
      GenericRecord old = rowsByKey.get(d.getKey());
      WindowAggregate a = old == null ? new WindowAggregate(m.measures()) : resume(m, old, plan.consumed);
      boolean known = a != null;
      for (Map<String, Object> e : g.removed()) {
        known = known && a.remove(e);
      }
      if (!known) {
        plan.recompute(g.metric(), g.window());
        continue;
      }
      a.merge(g.added());
      groups.put(d.getKey(), g.group());
      aggs.put(d.getKey(), a);
    }
    for (Map.Entry<String, GenericRecord> r : rowsByKey.entrySet()) {
      int i = indexOf(r.getValue().get("metric").toString());
      long w = (Long) r.getValue().get("window_start");
      if (plan.flipped(i, w) && !aggs.containsKey(r.getKey()) && !plan.deltas().containsKey(r.getKey())) {
        WindowAggregate a = resume(compiled.get(i), r.getValue(), null);
        if (a == null) {
          plan.recompute(i, w);
        } else {
          groups.put(r.getKey(), rowGroup(compiled.get(i), r.getValue()));
          aggs.put(r.getKey(), a);
        }
      }
    }
    // A recomputed window is rebuilt whole from the events: its delta and flip groups go.
    for (Iterator<Map.Entry<String, Map<String, Object>>> it = groups.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Map<String, Object>> g = it.next();
      String metric = g.getValue().get("metric").toString();
      long w = (Long) g.getValue().get("window_start");
      if (plan.recomputed(indexOf(metric), w)) {
        aggs.remove(g.getKey());
        it.remove();
      } else {
        windows.add(metric + "@" + w);
        deltaWindows.add(metric + "@" + w);
      }
    }
    t = StageTimes.lap(ms, "delta", t);

    // 3. Recomputed windows from the events snapshot the changes were read up to.
    SnapshotReader eventsReader = new SnapshotReader(events, eventsSchema);
    Set<String> days = plan.eventDays();
    List<String> partitions = days.isEmpty() ? List.of()
        : eventsReader.partitions().stream().filter(p -> days.contains(dayOf(p))).toList();
    long[] maxEvent = {maxEventIn};
    // Records are aggregated on the folding threads, one set of groups each; the sets merge here.
    SnapshotReader.ReadStats read = partitions.isEmpty() || readAsOf == null ? new SnapshotReader.ReadStats(0, 0, 0)
        : eventsReader.fold(partitions, readAsOf, fieldsRead(), held, () -> new SliceGroups(compiled), (p, rec) -> {
          Map<String, Object> e = asMap(rec);
          long ts = eventMillis(rec);
          p.maxEvent = Math.max(p.maxEvent, ts);
          p.verdicts.next();
          for (int i = 0; i < compiled.size(); i++) {
            Compiled m = compiled.get(i);
            long w = m.spec().grain().windowStart(ts);
            if (!p.recomputed(plan, i, w) || !m.accepts(e, p.verdicts)) {
              continue;
            }
            // a typed key per record; the text keys of the metrics table are built once per group below
            GroupKey key = new GroupKey(i, w, dimArray(m.spec().dimensions(), e));
            WindowAggregate a = p.aggs.get(key);
            if (a == null) {
              a = new WindowAggregate(m.measures());
              p.aggs.put(key, a);
            }
            a.add(e);
          }
        }, p -> {
          if (full) {
            maxEvent[0] = Math.max(maxEvent[0], p.maxEvent);
          }
          p.aggs.forEach((k, a) -> {
            Compiled m = compiled.get(k.metric);
            List<Object> values = Arrays.asList(k.dims);
            String dims = dimsKey(m.spec().dimensions(), values);
            String key = rowKey(m.spec(), k.window, dims);
            windows.add(m.spec().name() + "@" + k.window);
            WindowAggregate into = aggs.putIfAbsent(key, a);
            if (into == null) {
              groups.put(key, group(m, k.window, dims, values));
            } else {
              into.merge(a);
            }
          });
        });
    t = StageTimes.lap(ms, "aggregate", t);

    // 4. Compare with the rows they replace; rows of recomputed windows without a group are deleted.
    long wm = watermark(maxEvent[0]);
    Map<String, GenericRecord> existing = new HashMap<>();
    for (Map.Entry<String, GenericRecord> r : rowsByKey.entrySet()) {
      int i = indexOf(r.getValue().get("metric").toString());
      if (groups.containsKey(r.getKey()) || plan.recomputed(i, (Long) r.getValue().get("window_start"))) {
        existing.put(r.getKey(), r.getValue());
      }
    }
    long now = System.currentTimeMillis();
    List<GenericRecord> out = new ArrayList<>();
    long written = 0, deleted = 0, late = 0;
    for (Map.Entry<String, Map<String, Object>> g : groups.entrySet()) {
      WindowAggregate a = aggs.get(g.getKey());
      if (a.empty()) {
        continue;   // every record left the group: its row is deleted below
      }
      Map<String, Object> row = g.getValue();
      a.writeTo(row);
      boolean complete = (Long) row.get("window_end") <= wm;
      GenericRecord old = existing.remove(g.getKey());
      if (old != null && sameContent(old, row) && Boolean.TRUE.equals(old.get("is_complete")) == complete) {
        continue;
      }
      boolean correction = old != null && Boolean.TRUE.equals(old.get("is_complete")) && !sameContent(old, row);
      late += correction ? 1 : 0;
      out.add(record(row, old, complete, correction, false, now, readAsOf));
      written++;
    }
    for (GenericRecord gone : existing.values()) {
      Map<String, Object> row = rowGroup(compiled.get(indexOf(gone.get("metric").toString())), gone);
      boolean wasComplete = Boolean.TRUE.equals(gone.get("is_complete"));
      late += wasComplete ? 1 : 0;
      out.add(record(row, gone, wasComplete, wasComplete, true, now, readAsOf));
      deleted++;
    }
    t = StageTimes.lap(ms, "diff", t);
    Map<String, String> meta = new LinkedHashMap<>();
    if (until != null) {
      meta.put(SOURCE_INSTANT_KEY, until);
    }
    if (maxEvent[0] != Long.MIN_VALUE) {
      meta.put(MAX_EVENT_TIME_KEY, Long.toString(maxEvent[0]));
    }
    meta.put(LATE_CORRECTIONS_KEY, Long.toString(late));
    meta.put(COMPLETE_DEFINITIONS_KEY, json(plan.completeAfter()));
    CommitResult c = new HudiWriter(metrics.table(), metrics.schema()).upsert(out, meta, CrashPoints.METRICS_WRITTEN);
    StageTimes.lap(ms, "write", t);
    RecomputeReport r = new RecomputeReport(full, false, since, until, changes, windows.size(), deltaWindows.size(),
        read.records(), read.bytes(), partitions.size(), written, deleted, late, wm, scan, c.instant(), ms);
    LOG.info("{}: metrics {} recompute of events ({}, {}]: {} changes, {} windows ({} by delta) from {} records in {}"
        + " partitions; {} rows written, {} deleted, {} late corrections; ms {}", spec.name(), full ? "full" : "incremental",
        since, until, changes, windows.size(), deltaWindows.size(), read.records(), partitions.size(), written, deleted,
        late, ms);
    return r;
  }

  private Map<String, String> completeDefinitions() {
    Optional<String> text = metrics.table().latestCommitMetadata(COMPLETE_DEFINITIONS_KEY);
    Map<String, String> out = new TreeMap<>();
    try {
      if (text.isPresent()) {
        JSON.readTree(text.get()).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      }
    } catch (IOException e) {
      LOG.warn("{}: unreadable {} in the metrics commit ({}); every window is recomputed until a full recompute",
          spec.name(), COMPLETE_DEFINITIONS_KEY, e.getMessage());
    }
    for (Compiled m : compiled) {
      if (m.decomposable() && !m.definition().equals(out.get(m.spec().name()))) {
        LOG.info("{}: metric {} is new or changed since its rows were complete: its touched windows are recomputed, and"
            + " windows no change touches stay as they are; run `sluice incremental --full` once to rebuild it and"
            + " to keep it by delta", spec.name(), m.spec().name());
      }
    }
    return out;
  }

  private static String json(Map<String, String> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A decomposable group as its row says; null when it cannot be resumed, or reflects a later snapshot than {@code consumed}. */
  private static WindowAggregate resume(Compiled m, GenericRecord row, String consumed) {
    Object asOf = row.get("source_instant");
    if (consumed != null && asOf != null && asOf.toString().compareTo(consumed) > 0) {
      return null;   // a ranged full recompute read a newer snapshot: the changes since `consumed` are partly in it
    }
    return WindowAggregate.resume(m.measures(), row);
  }

  /** The identifying columns of an existing row, as {@link #group} builds them. */
  private static Map<String, Object> rowGroup(Compiled m, GenericRecord row) {
    Map<String, Object> g = new LinkedHashMap<>();
    for (String f : List.of("metric", "grain", "window_start", "window_end", "dims")) {
      Object v = row.get(f);
      g.put(f, v instanceof Utf8 ? v.toString() : v);
    }
    for (String d : m.spec().dimensions()) {
      Object v = row.get(d);
      g.put(d, v == null ? null : v.toString());
    }
    return g;
  }

  private GenericRecord record(Map<String, Object> row, GenericRecord old, boolean complete, boolean correction,
      boolean delete, long now, String until) {
    GenericData.Record r = new GenericData.Record(metrics.schema());
    row.forEach((k, v) -> {
      if (metrics.schema().getField(k) != null) {
        r.put(k, v);
      }
    });
    r.put("revision", old == null ? 1L : (Long) old.get("revision") + 1);
    r.put("is_complete", complete);
    r.put("late_correction", correction);
    r.put("computed_at", now);
    r.put("source_instant", until == null ? "" : until);
    r.put(EventSchemas.IS_DELETED, delete);
    r.put(EventSchemas.DT, EventSchemas.day((Long) row.get("window_start")));
    return r;
  }

  private boolean sameContent(GenericRecord old, Map<String, Object> row) {
    for (String col : metrics.measureColumns().keySet()) {
      Object a = old.get(col);
      Object b = row.get(col);
      if (!Objects.equals(a, b)) {
        return false;
      }
    }
    return true;
  }

  private int indexOf(String metric) {
    for (int i = 0; i < compiled.size(); i++) {
      if (compiled.get(i).spec().name().equals(metric)) {
        return i;
      }
    }
    return -1;
  }

  private long watermark(long maxEvent) {
    return maxEvent == Long.MIN_VALUE ? Long.MIN_VALUE : maxEvent - spec.metrics().allowedLateness().toMillis();
  }

  private long eventMillis(GenericRecord r) {
    return eventTimeMillis.applyAsLong(r.get(eventTime));
  }

  static String rowKey(MetricSpec m, long window, String dims) {
    return m.name() + '\u0001' + m.grain().label() + '\u0001' + window + '\u0001' + dims;
  }

  /**
   * Stable text key of a group's dimension values, given in the order of {@code dims}:
   * {@code country=DE,platform=ios}, with , = \ escaped.
   */
  static String dimsKey(List<String> dims, List<Object> values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.size(); i++) {
      if (sb.length() > 0) sb.append(',');
      Object v = values.get(i);
      sb.append(dims.get(i)).append('=').append(v == null ? "\\N" : v.toString().replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\="));
    }
    return sb.toString();
  }

  /** The record's values of {@code dims}, nulls included. */
  private static Object[] dimArray(List<String> dims, Map<String, Object> e) {
    Object[] values = new Object[dims.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = e.get(dims.get(i));
    }
    return values;
  }

  private static String dayOf(String partitionPath) {
    int i = partitionPath.indexOf("dt=");
    String rest = partitionPath.substring(i + 3);
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** Field values with Avro's Utf8 and enum symbols as Strings, for filters and grouping. */
  /** Every field the metrics read: event time, dimensions, measured fields and filter variables. */
  private Set<String> fieldsRead() {
    Set<String> fields = new HashSet<>();
    fields.add(eventTime);
    for (Compiled m : compiled) {
      fields.addAll(m.spec().dimensions());
      m.measures().stream().map(Measure::field).filter(f -> f != null).forEach(fields::add);
      if (m.filter() != null) {
        fields.addAll(m.filter().fields());
      }
    }
    return fields;
  }

  /**
   * Each filter's verdict on the current record, for one thread: metrics that share a filter evaluate
   * it once per record, and a filter over few distinct values is evaluated once per value.
   */
  private static final class Verdicts {
    private static final byte UNKNOWN = 0, PASS = 1, FAIL = 2;
    /** Distinct value combinations a filter remembers before it evaluates every record. */
    private static final int MEMO = 4096;
    private final byte[] verdicts;
    /** Per filter slot, the filter remembering verdicts by value. */
    private final List<Predicate<Map<String, Object>>> filters = new ArrayList<>();

    Verdicts(List<Compiled> compiled) {
      for (Compiled m : compiled) {
        if (m.filter() != null && m.filterSlot() == filters.size()) {
          filters.add(m.filter().memoized(MEMO));
        }
      }
      verdicts = new byte[filters.size()];
    }

    /** Forgets the verdicts: the next record begins. */
    void next() {
      Arrays.fill(verdicts, UNKNOWN);
    }

    boolean test(Compiled m, Map<String, Object> e) {
      int slot = m.filterSlot();
      byte v = verdicts[slot];
      if (v == UNKNOWN) {
        v = filters.get(slot).test(e) ? PASS : FAIL;
        verdicts[slot] = v;
      }
      return v == PASS;
    }
  }

  /** A group while a folding thread aggregates: metric index, window start and dimension values. */
  private static final class GroupKey {
    final int metric;
    final long window;
    final Object[] dims;
    private final int hash;

    GroupKey(int metric, long window, Object[] dims) {
      this.metric = metric;
      this.window = window;
      this.dims = dims;
      this.hash = (31 * metric + Long.hashCode(window)) * 31 + Arrays.hashCode(dims);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GroupKey k && k.metric == metric && k.window == window && Arrays.equals(k.dims, dims);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** The groups and newest event time of the records one folding thread saw. */
  private static final class SliceGroups {
    final Map<GroupKey, WindowAggregate> aggs = new HashMap<>();
    final Verdicts verdicts;
    long maxEvent = Long.MIN_VALUE;
    // Records come roughly in time order: remember each metric's last window and whether it is recomputed.
    private final long[] lastWindow;
    private final boolean[] lastRecomputed;
    private final boolean[] seen;

    SliceGroups(List<Compiled> compiled) {
      verdicts = new Verdicts(compiled);
      lastWindow = new long[compiled.size()];
      lastRecomputed = new boolean[compiled.size()];
      seen = new boolean[compiled.size()];
    }

    boolean recomputed(Plan plan, int metric, long window) {
      if (!seen[metric] || lastWindow[metric] != window) {
        seen[metric] = true;
        lastWindow[metric] = window;
        lastRecomputed[metric] = plan.recomputed(metric, window);
      }
      return lastRecomputed[metric];
    }
  }

  static Map<String, Object> asMap(GenericRecord r) {
    return new RecordView(r);
  }
}
