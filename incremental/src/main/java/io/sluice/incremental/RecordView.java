package io.sluice.incremental;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * A read-only map view of an Avro record, for filters and grouping: field look-ups go straight to
 * the record, with {@code Utf8} and enum symbols returned as Strings. No per-record copy.
 */
public final class RecordView extends AbstractMap<String, Object> {
  private final GenericRecord record;

  public RecordView(GenericRecord record) {
    this.record = record;
  }

  @Override
  public Object get(Object key) {
    Schema.Field f = record.getSchema().getField((String) key);
    return f == null ? null : plain(record.get(f.pos()));
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String k && record.getSchema().getField(k) != null;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Schema.Field f : record.getSchema().getFields()) {
      m.put(f.name(), plain(record.get(f.pos())));
    }
    return m.entrySet();
  }

  private static Object plain(Object v) {
    return v instanceof Utf8 || v instanceof GenericEnumSymbol<?> ? v.toString() : v;
  }
}
