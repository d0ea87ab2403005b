package io.sluice.ingest;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PartitionGrain;
import io.sluice.core.spec.TableSpec;
import io.sluice.core.spec.ValidationSpec;
import io.sluice.core.util.Durations;
import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Applies the record-level rules to a converted event and, when it passes, builds the events-table
 * record: the user's fields followed by {@code _ingested_at}, {@code _source_file},
 * {@code _hoodie_is_deleted} and the partition columns.
 */
final class TableRecords {
  private final Schema userSchema;
  private final Schema tableSchema;
  private final TableSpec table;
  private final ValidationSpec rules;
  private final int[] keyPos;
  private final int eventTimePos;
  private final ToLongFunction<Object> toMillis;
  private final int orderingPos;
  private final int deletePos;
  private final int userFields;

  TableRecords(Schema userSchema, TableSpec table, ValidationSpec rules) {
    this.userSchema = userSchema;
    this.tableSchema = EventSchemas.tableSchema(userSchema, table);
    this.table = table;
    this.rules = rules;
    List<String> keys = table.recordKey();
    this.keyPos = keys.stream().mapToInt(this::pos).toArray();
    this.eventTimePos = pos(table.eventTimeField());
    this.toMillis = EventSchemas.eventTimeMillis(userSchema, table.eventTimeField());
    this.orderingPos = pos(table.orderingField());
    this.deletePos = table.deleteField() == null ? -1 : pos(table.deleteField());
    this.userFields = userSchema.getFields().size();
  }

  private int pos(String field) {
    Schema.Field f = userSchema.getField(field);
    if (f == null) {
      throw new IllegalArgumentException("field '" + field + "' named by the table spec is not in schema "
          + userSchema.getFullName());
    }
    return f.pos();
  }

  Schema tableSchema() {
    return tableSchema;
  }

  /**
   * The table record of {@code user}, read from {@code file}.
   *
   * @throws BadRecordException when a key, ordering or event-time rule is broken
   */
  GenericData.Record build(GenericData.Record user, LandingFile file) throws BadRecordException {
    for (int i = 0; i < keyPos.length; i++) {
      Object k = user.get(keyPos[i]);
      if (k == null) {
        throw new BadRecordException("record key field '" + table.recordKey().get(i) + "' is null");
      }
      // Hudi's key generators refuse empty keys and would fail the whole commit.
      if (k instanceof CharSequence cs && cs.length() == 0) {
        throw new BadRecordException("record key field '" + table.recordKey().get(i) + "' is empty");
      }
    }
    Object ts = user.get(eventTimePos);
    if (ts == null) {
      throw new BadRecordException("event-time field '" + table.eventTimeField() + "' is null");
    }
    if (user.get(orderingPos) == null) {
      throw new BadRecordException("ordering field '" + table.orderingField() + "' is null");
    }
    long millis = toMillis.applyAsLong(ts);
    if (millis < rules.minEventTime().toEpochMilli()) {
      throw new BadRecordException(table.eventTimeField() + " " + instant(millis) + " is before min-event-time "
          + rules.minEventTime());
    }
    long arrival = file.modificationTime();
    long latest = saturatedAdd(arrival, rules.maxFutureSkew().toMillis());
    if (millis > latest) {
      throw new BadRecordException(table.eventTimeField() + " " + instant(millis) + " is more than "
          + Durations.format(rules.maxFutureSkew()) + " after arrival " + instant(arrival));
    }
    GenericData.Record r = new GenericData.Record(tableSchema);
    for (int i = 0; i < userFields; i++) {
      r.put(i, user.get(i));
    }
    int p = userFields;
    r.put(p++, arrival);
    r.put(p++, file.path());
    r.put(p++, isDelete(r));
    r.put(p++, EventSchemas.day(millis));
    if (table.partitionGrain() == PartitionGrain.HOUR) {
      r.put(p, EventSchemas.hour(millis));
    }
    return r;
  }

  boolean isDelete(GenericData.Record r) {
    return deletePos >= 0 && Boolean.TRUE.equals(r.get(deletePos));
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  private static Object instant(long millis) {
    try {
      return Instant.ofEpochMilli(millis);
    } catch (java.time.DateTimeException e) {
      return millis + " ms";
    }
  }
}
