package io.sluice.checks.records;

import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

/**
 * Records to score, in a stable order (by key), with their entity's records per hour counted over
 * the batch itself. One batch is what one checks run read as changed, or a range read on demand.
 */
public final class RecordBatch {
  /** One event: its record key, event time and field values. */
  public record Event(String key, long eventTime, Map<String, Object> values) {}

  /** A scored event; {@code why} (top contributing columns and their shares) is filled for the top ones. */
  public record Scored(String key, long eventTime, double score, Map<String, Double> why, Map<String, Object> values) {
    Scored explained(Map<String, Double> w) {
      return new Scored(key, eventTime, score, w, values);
    }
  }

  private final List<Event> events;
  private final String entity;
  private final Map<String, Long> entityHours;

  /** A batch whose entity counts are taken over {@code events} themselves. */
  public RecordBatch(List<Event> events, String entity) {
    this(events, entity, countEntityHours(events, entity));
  }

  /** A batch whose entity counts were taken over more data than it holds (a sample of it). */
  public RecordBatch(List<Event> events, String entity, Map<String, Long> entityHours) {
    this.events = new ArrayList<>(events);
    this.events.sort(Comparator.comparing(Event::key));
    this.entity = entity;
    this.entityHours = entityHours;
  }

  /** Records per (entity value, event hour) among {@code events}. */
  public static Map<String, Long> countEntityHours(List<Event> events, String entity) {
    Map<String, Long> m = new HashMap<>();
    if (entity != null) {
      events.forEach(e -> m.merge(entityHour(entity, e), 1L, Long::sum));
    }
    return m;
  }

  public List<Event> events() {
    return events;
  }

  public int size() {
    return events.size();
  }

  /** Records of {@code e}'s entity in {@code e}'s event hour, within this batch. */
  public long entityCount(Event e) {
    return entity == null ? 0 : entityHours.getOrDefault(entityHour(e), 0L);
  }

  private String entityHour(Event e) {
    return entityHour(entity, e);
  }

  static String entityHour(String entity, Event e) {
    return e.values().get(entity) + "@" + Math.floorDiv(e.eventTime(), 3_600_000L);
  }

  /** Feature vectors of every event, in order. */
  public double[][] vectors(RecordFeatures f) {
    return vectorsInOrder(events, f);
  }

  /** Feature vectors of {@code es} (events of this batch) in the order given. */
  double[][] vectorsInOrder(List<Event> es, RecordFeatures f) {
    double[][] v = new double[es.size()][];
    for (int i = 0; i < v.length; i++) {
      Event e = es.get(i);
      v[i] = f.vector(e.values(), entityCount(e), e.eventTime());
    }
    return v;
  }

  /** The counts per (entity, hour) this batch uses. */
  Map<String, Long> entityCounts() {
    return entityHours;
  }

  /** Fits feature encodings on this batch. */
  public RecordFeatures fit(RecordFeatures.Columns cols) {
    Map<Map<String, Object>, Event> byValues = new java.util.IdentityHashMap<>();
    events.forEach(e -> byValues.put(e.values(), e));
    return RecordFeatures.fit(cols, events.stream().map(Event::values).toList(), v -> entityCount(byValues.get(v)));
  }

  /**
   * Scores every event with {@code model} (0 while it is not ready), explains the {@code top} highest,
   * then lets the model learn at most {@code learnAtMost} of the events, evenly spread in key order
   * (all when the batch is that small; none when 0). Returns the scored events, highest first.
   * Scoring runs on all cores; it only reads the forest, so the result does not depend on them.
   */
  public List<Scored> scoreThenLearn(RecordModel model, int top, int learnAtMost) {
    double[][] v = vectors(model.features());
    double[] score = new double[v.length];
    if (model.ready()) {
      IntStream.range(0, v.length).parallel().forEach(i -> score[i] = model.score(v[i]));
    }
    List<Scored> out = new ArrayList<>(events.size());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < v.length; i++) {
      Event e = events.get(i);
      out.add(new Scored(e.key(), e.eventTime(), score[i], Map.of(), e.values()));
      index.put(e.key(), i);
    }
    out.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::key));
    for (int i = 0; i < Math.min(top, out.size()) && model.ready(); i++) {
      Scored s = out.get(i);
      out.set(i, s.explained(model.features().bySource(model.attribution(v[index.get(s.key())]))));
    }
    if (learnAtMost > 0) {
      double stride = Math.max(1.0, (double) v.length / learnAtMost);
      for (double k = 0; k < v.length; k += stride) {
        model.update(v[(int) k]);
      }
    }
    return out;
  }

  /**
   * The feature columns of a pipeline: configured, else numeric and categorical user fields except
   * the record key, ordering field, event time, delete flag, entity and time-typed fields.
   */
  public static RecordFeatures.Columns columns(PipelineSpec spec, Schema user) {
    ChecksSpec.Records r = spec.checks().records();
    Set<String> skip = new HashSet<>(spec.table().recordKey());
    skip.add(spec.table().eventTimeField());
    skip.add(spec.table().orderingField());
    if (spec.table().deleteField() != null) {
      skip.add(spec.table().deleteField());
    }
    if (r.entity() != null) {
      skip.add(r.entity());
    }
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    for (Schema.Field f : user.getFields()) {
      Schema s = EventSchemas.nonNull(f.schema());
      LogicalType lt = s.getLogicalType();
      if (skip.contains(f.name()) || lt != null) {
        continue;
      }
      switch (s.getType()) {
        case INT, LONG, FLOAT, DOUBLE -> numeric.add(f.name());
        case STRING, ENUM, BOOLEAN -> categorical.add(f.name());
        default -> { }
      }
    }
    return new RecordFeatures.Columns(r.numeric() != null ? r.numeric() : numeric,
        r.categorical() != null ? r.categorical() : categorical, r.entity(), spec.table().eventTimeField(),
        r.timeOfDay());
  }

  /** Values of the columns named in {@code why}, for messages. */
  static Map<String, Object> shown(Scored s, int n) {
    Map<String, Object> m = new LinkedHashMap<>();
    s.why().keySet().stream().limit(n).forEach(c -> m.put(c, s.values().get(c)));
    return m;
  }
}
