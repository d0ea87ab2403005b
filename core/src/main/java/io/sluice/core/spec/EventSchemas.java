package io.sluice.core.spec;

import io.sluice.core.SluiceException;
import io.sluice.core.util.HadoopConfs;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The events table's Avro schema: the user's event schema followed by Sluice's columns
 * {@code _ingested_at} (the landing file's modification time, so reruns are deterministic),
 * {@code _source_file}, {@code _hoodie_is_deleted} and the partition columns {@code dt}[, {@code hr}].
 */
public final class EventSchemas {
  public static final String INGESTED_AT = "_ingested_at";
  public static final String SOURCE_FILE = "_source_file";
  public static final String IS_DELETED = "_hoodie_is_deleted";
  public static final String DT = "dt";
  public static final String HR = "hr";

  private static final long DAY_MILLIS = 86_400_000L;
  private static final String[] HOURS = IntStream.range(0, 24).mapToObj(h -> String.format("%02d", h))
      .toArray(String[]::new);

  private EventSchemas() {}

  /** Reads the pipeline's event schema from {@code source.schema} on any Hadoop filesystem. */
  public static Schema userSchema(PipelineSpec spec) {
    Path p = new Path(spec.source().schema());
    try (FileSystem fs = FileSystem.newInstance(p.toUri(), HadoopConfs.of(spec));
         InputStream in = fs.open(p)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new SluiceException("cannot read Avro schema " + p + ": " + e.getMessage(), e);
    }
  }

  /** The schema records of the events table are written with. */
  public static Schema tableSchema(Schema user, TableSpec table) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : user.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    Schema ts = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    fields.add(new Schema.Field(INGESTED_AT, ts, "arrival time: modification time of the landing file", (Object) null));
    fields.add(new Schema.Field(SOURCE_FILE, Schema.create(Schema.Type.STRING), "landing file the record came from", (Object) null));
    fields.add(new Schema.Field(IS_DELETED, Schema.create(Schema.Type.BOOLEAN), "true deletes the key (Hudi convention)", false));
    fields.add(new Schema.Field(DT, Schema.create(Schema.Type.STRING), "event date, UTC, yyyy-MM-dd", (Object) null));
    if (table.partitionGrain() == PartitionGrain.HOUR) {
      fields.add(new Schema.Field(HR, Schema.create(Schema.Type.STRING), "event hour, UTC, HH", (Object) null));
    }
    return Schema.createRecord(user.getName(), user.getDoc(), user.getNamespace(), false, fields);
  }

  /** Hive-style partition path for an event time in epoch milliseconds, e.g. {@code dt=2024-05-01/hr=07}. */
  public static String partitionPath(long eventTimeMillis, PartitionGrain grain) {
    String day = "dt=" + day(eventTimeMillis);
    return grain == PartitionGrain.HOUR ? day + "/hr=" + hour(eventTimeMillis) : day;
  }

  public static String day(long eventTimeMillis) {
    // Called per record, and a batch's events mostly share a day: the thread's last answer is reused.
    long epochDay = Math.floorDiv(eventTimeMillis, DAY_MILLIS);
    LastDay last = LAST_DAY.get();
    if (last.epochDay != epochDay || last.text == null) {
      // LocalDate prints ISO yyyy-MM-dd without a formatter's ZonedDateTime
      last.text = LocalDate.ofEpochDay(epochDay).toString();
      last.epochDay = epochDay;
    }
    return last.text;
  }

  private static final class LastDay {
    long epochDay;
    String text;
  }

  private static final ThreadLocal<LastDay> LAST_DAY = ThreadLocal.withInitial(LastDay::new);

  public static String hour(long eventTimeMillis) {
    return HOURS[(int) (Math.floorMod(eventTimeMillis, DAY_MILLIS) / 3_600_000L)];
  }

  /**
   * Converts values of the event-time field {@code field} to epoch millis, honouring timestamp-micros;
   * the field's type is looked up once, here.
   */
  public static ToLongFunction<Object> eventTimeMillis(Schema userSchema, String field) {
    Schema s = SpecValidator.nonNull(userSchema.getField(field).schema());
    return s.getLogicalType() instanceof LogicalTypes.TimestampMicros
        ? v -> Math.floorDiv(((Number) v).longValue(), 1000L)
        : v -> ((Number) v).longValue();
  }

  /** The non-null branch of a nullable union, or the schema itself. */
  public static Schema nonNull(Schema s) {
    return SpecValidator.nonNull(s);
  }
}
