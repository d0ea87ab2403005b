package io.sluice.incremental;

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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import io.sluice.core.util.StageTimes;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
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
  private static final Logger LOG = LoggerFactory.getLogger(MetricWindowRecompute.class);

  private final PipelineSpec spec;
  private final HudiTable events;
  private final Schema eventsSchema;
  private final MetricsTable metrics;
  private final List<Compiled> compiled = new ArrayList<>();
  private final String eventTime;

  /** A metric with its parsed measures and filter. */
  private record Compiled(MetricSpec spec, List<Measure> measures, EventFilter filter) {
    boolean accepts(Map<String, Object> e) {
      return filter == null || filter.test(e);
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
    for (MetricSpec m : spec.metrics().definitions()) {
      compiled.add(new Compiled(m, m.parsedMeasures(), m.filter() == null ? null : EventFilter.compile(m.filter())));
    }
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
      return new RecomputeReport(false, true, consumed, consumed, 0, 0, 0, 0, 0, 0, 0, 0, watermark(prevMax),
          new ScanMetrics(0, 0, 0, 0), null, ms);
    }
    ChangeSet cs = Changes.of(events, eventsSchema).since(consumed).until(latest).read();
    t = StageTimes.lap(ms, "changes", t);
    long maxEvent = prevMax;
    Map<Integer, Set<Long>> touched = new HashMap<>();
    for (Change c : cs.changes()) {
      for (GenericRecord img : new GenericRecord[] {c.before(), c.after()}) {
        if (img == null) {
          continue;
        }
        Map<String, Object> e = asMap(img);
        long ts = eventMillis(img);
        if (img == c.after()) {
          maxEvent = Math.max(maxEvent, ts);
        }
        for (int i = 0; i < compiled.size(); i++) {
          if (compiled.get(i).accepts(e)) {
            touched.computeIfAbsent(i, k -> new HashSet<>()).add(compiled.get(i).spec().grain().windowStart(ts));
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
            touched.computeIfAbsent(i, k -> new HashSet<>()).add(w);
          }
        }
      }
    }
    Set<String> days = new TreeSet<>();
    touched.forEach((i, ws) -> ws.forEach(w -> days.add(EventSchemas.day(w))));
    RecomputeReport r = recompute(days, (i, w) -> touched.getOrDefault(i, Set.of()).contains(w), maxEvent, latest,
        false, consumed, cs.changes().size(), cs.metrics(), ms, t);
    return r;
  }

  /**
   * Recomputes every window of the given UTC dates (all dates when both are null) from scratch, through
   * the same code as {@link #incremental()}. Over all dates it also moves the consumed instant to the
   * latest events commit; over a date range it leaves it, so no change outside the range is skipped.
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
    return recompute(days, (i, w) -> days.contains(EventSchemas.day(w)), prevMax, everything ? latest : consumed,
        true, consumed, 0, new ScanMetrics(0, 0, 0, 0), ms, t);
  }

  private RecomputeReport recompute(Set<String> days, BiPredicate<Integer, Long> selected, long maxEventIn, String until,
      boolean full, String since, long changes, ScanMetrics scan, Map<String, Long> ms, long t) {
    SnapshotReader eventsReader = new SnapshotReader(events, eventsSchema);
    List<String> partitions = eventsReader.partitions().stream().filter(p -> days.contains(dayOf(p))).toList();
    Map<String, Map<String, Object>> groups = new TreeMap<>();
    Map<String, WindowAggregate> aggs = new HashMap<>();
    long[] maxEvent = {maxEventIn};
    Set<String> windows = new HashSet<>();
    SnapshotReader.ReadStats read = eventsReader.forEach(partitions, rec -> {
      Map<String, Object> e = asMap(rec);
      long ts = eventMillis(rec);
      if (full) {
        maxEvent[0] = Math.max(maxEvent[0], ts);
      }
      for (int i = 0; i < compiled.size(); i++) {
        Compiled m = compiled.get(i);
        long w = m.spec().grain().windowStart(ts);
        if (!selected.test(i, w) || !m.accepts(e)) {
          continue;
        }
        String dims = dimsKey(m.spec().dimensions(), e);
        String key = rowKey(m.spec(), w, dims);
        windows.add(m.spec().name() + "@" + w);
        WindowAggregate a = aggs.get(key);
        if (a == null) {
          a = new WindowAggregate(m.measures());
          aggs.put(key, a);
          Map<String, Object> g = new LinkedHashMap<>();
          g.put("metric", m.spec().name());
          g.put("grain", m.spec().grain().label());
          g.put("window_start", w);
          g.put("window_end", w + m.spec().grain().size().toMillis());
          g.put("dims", dims);
          for (String d : m.spec().dimensions()) {
            Object v = e.get(d);
            g.put(d, v == null ? null : v.toString());
          }
          groups.put(key, g);
        }
        a.add(e);
      }
    });
    t = StageTimes.lap(ms, "aggregate", t);

    long wm = watermark(maxEvent[0]);
    Map<String, GenericRecord> existing = new HashMap<>();
    Set<String> metricDays = new TreeSet<>(days);
    SnapshotReader metricsReader = new SnapshotReader(metrics.table(), metrics.schema());
    List<String> metricParts = metricsReader.partitions().stream().filter(p -> metricDays.contains(dayOf(p))).toList();
    for (GenericRecord r : metricsReader.read(metricParts)) {
      int i = indexOf(r.get("metric").toString());
      long w = (Long) r.get("window_start");
      if (i >= 0 && selected.test(i, w)) {
        existing.put(rowKey(compiled.get(i).spec(), w, r.get("dims").toString()), r);
      }
    }
    long now = System.currentTimeMillis();
    List<GenericRecord> out = new ArrayList<>();
    long written = 0, deleted = 0, late = 0;
    for (Map.Entry<String, Map<String, Object>> g : groups.entrySet()) {
      Map<String, Object> row = g.getValue();
      aggs.get(g.getKey()).writeTo(row);
      boolean complete = (Long) row.get("window_end") <= wm;
      GenericRecord old = existing.remove(g.getKey());
      if (old != null && sameContent(old, row) && Boolean.TRUE.equals(old.get("is_complete")) == complete) {
        continue;
      }
      boolean correction = old != null && Boolean.TRUE.equals(old.get("is_complete")) && !sameContent(old, row);
      late += correction ? 1 : 0;
      out.add(record(row, old, complete, correction, false, now, until));
      written++;
    }
    for (GenericRecord gone : existing.values()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (String f : List.of("metric", "grain", "window_start", "window_end", "dims")) {
        Object v = gone.get(f);
        row.put(f, v instanceof Utf8 ? v.toString() : v);
      }
      boolean wasComplete = Boolean.TRUE.equals(gone.get("is_complete"));
      late += wasComplete ? 1 : 0;
      out.add(record(row, gone, wasComplete, wasComplete, true, now, until));
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
    CommitResult c = new HudiWriter(metrics.table(), metrics.schema()).upsert(out, meta, CrashPoints.METRICS_WRITTEN);
    StageTimes.lap(ms, "write", t);
    RecomputeReport r = new RecomputeReport(full, false, since, until, changes, windows.size(), read.records(),
        read.bytes(), partitions.size(),
        written, deleted, late, wm, scan, c.instant(), ms);
    LOG.info("{}: metrics {} recompute of events ({}, {}]: {} changes, {} windows from {} records in {} partitions;"
        + " {} rows written, {} deleted, {} late corrections; ms {}", spec.name(), full ? "full" : "incremental",
        since, until, changes, windows.size(), read.records(), partitions.size(), written, deleted, late, ms);
    return r;
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
    return EventSchemas.eventTimeMillis(eventsSchema, eventTime, r.get(eventTime));
  }

  static String rowKey(MetricSpec m, long window, String dims) {
    return m.name() + '\u0001' + m.grain().label() + '\u0001' + window + '\u0001' + dims;
  }

  /** Stable text key of a group's dimension values: {@code country=DE,platform=ios}, with , = \ escaped. */
  static String dimsKey(List<String> dims, Map<String, Object> e) {
    StringBuilder sb = new StringBuilder();
    for (String d : dims) {
      if (sb.length() > 0) sb.append(',');
      Object v = e.get(d);
      sb.append(d).append('=').append(v == null ? "\\N" : v.toString().replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\="));
    }
    return sb.toString();
  }

  private static String dayOf(String partitionPath) {
    int i = partitionPath.indexOf("dt=");
    String rest = partitionPath.substring(i + 3);
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** Field values with Avro's Utf8 and enum symbols as Strings, for filters and grouping. */
  static Map<String, Object> asMap(GenericRecord r) {
    return new RecordView(r);
  }
}
