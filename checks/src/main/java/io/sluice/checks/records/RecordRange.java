package io.sluice.checks.records;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.incremental.RecordView;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.model.HoodieRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live events of a date range, read from the events table's current snapshot one day at a time,
 * optionally reservoir-sampled. Entity counts per hour are taken over each full day before sampling,
 * so a sample keeps the rates its records really had.
 */
public final class RecordRange {
  private static final Logger LOG = LoggerFactory.getLogger(RecordRange.class);
  private static final Pattern DT = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})");

  private RecordRange() {}

  /** Events with event dates in [{@code from}, {@code to}], at most {@code max} of them (uniformly sampled). */
  public static RecordBatch read(PipelineSpec spec, Configuration conf, LocalDate from, LocalDate to, int max,
                                 long seed) {
    HudiTable events = MiniBatch.eventsTable(spec, conf);
    Schema user = EventSchemas.userSchema(spec);
    Schema schema = EventSchemas.tableSchema(user, spec.table());
    SnapshotReader reader = new SnapshotReader(events, schema);
    Map<LocalDate, List<String>> days = new TreeMap<>();
    for (String p : reader.partitions()) {
      Matcher m = DT.matcher(p);
      if (m.find()) {
        LocalDate d = LocalDate.parse(m.group(1));
        if (!d.isBefore(from) && !d.isAfter(to)) {
          days.computeIfAbsent(d, k -> new ArrayList<>()).add(p);
        }
      }
    }
    String entity = spec.checks().records().entity();
    String eventTime = spec.table().eventTimeField();
    ToLongFunction<Object> toMillis = EventSchemas.eventTimeMillis(schema, eventTime);
    SplittableRandom rnd = new SplittableRandom(seed);
    List<RecordBatch.Event> sample = new ArrayList<>();
    Map<String, Long> counts = new HashMap<>();
    long seen = 0;
    for (Map.Entry<LocalDate, List<String>> day : days.entrySet()) {
      List<RecordBatch.Event> all = new ArrayList<>();
      reader.forEach(day.getValue(), r -> all.add(event(r, eventTime, toMillis)));
      Map<String, Long> dayCounts = RecordBatch.countEntityHours(all, entity);
      for (RecordBatch.Event e : all) {
        seen++;
        if (sample.size() < max) {
          sample.add(e);
        } else {
          long j = rnd.nextLong(seen);
          if (j < max) {
            sample.set((int) j, e);
          }
        }
      }
      if (entity != null) {
        sample.forEach(e -> {
          String k = RecordBatch.entityHour(entity, e);
          Long c = dayCounts.get(k);
          if (c != null) {
            counts.put(k, c);
          }
        });
      }
      LOG.info("{}: read {} events of {} ({} so far, {} kept)", spec.name(), all.size(), day.getKey(), seen,
          sample.size());
    }
    return new RecordBatch(sample, entity, counts);
  }

  private static RecordBatch.Event event(GenericRecord r, String eventTime, ToLongFunction<Object> toMillis) {
    RecordView v = new RecordView(r);
    return new RecordBatch.Event(String.valueOf(v.get(HoodieRecord.RECORD_KEY_METADATA_FIELD)),
        toMillis.applyAsLong(v.get(eventTime)), v);
  }
}
