package io.sluice.incremental;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.IndexType;
import io.sluice.core.spec.Measure;
import io.sluice.core.spec.MetricSpec;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.TableType;
import io.sluice.upserts.HudiTable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code <pipeline>_metrics}: one row per (metric, grain, window_start, dims), partitioned by the
 * window's UTC date. Every dimension and measure of every metric is a nullable column; a metric
 * fills its own. {@code revision} (the ordering field) grows with each changed recompute. The last
 * column, {@code partials}, is bookkeeping for delta maintenance, not for queries.
 */
public final class MetricsTable {
  /** Column with a decomposable metric's exact partial state; see {@link WindowAggregate#partials()}. */
  public static final String PARTIALS = "partials";
  private final HudiTable table;
  private final Schema schema;
  private final List<String> dimensionColumns;
  private final Map<String, Boolean> measureColumns;   // column → integral

  public MetricsTable(PipelineSpec spec, Configuration conf) {
    Set<String> dims = new LinkedHashSet<>();
    Map<String, Boolean> measures = new LinkedHashMap<>();
    for (MetricSpec m : spec.metrics().definitions()) {
      dims.addAll(m.dimensions());
      for (Measure ms : m.parsedMeasures()) {
        measures.put(ms.column(), ms.kind().integral);
      }
    }
    this.dimensionColumns = List.copyOf(dims);
    this.measureColumns = measures;
    Schema ts = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("MetricRow").namespace("io.sluice").fields()
        .name("metric").type().stringType().noDefault()
        .name("grain").type().stringType().noDefault()
        .name("window_start").type(ts).noDefault()
        .name("window_end").type(ts).noDefault()
        .name("dims").doc("stable key of the dimension values, e.g. country=DE,platform=ios").type().stringType().noDefault();
    for (String d : dimensionColumns) {
      f = f.name(d).type().optional().stringType();
    }
    for (Map.Entry<String, Boolean> m : measureColumns.entrySet()) {
      f = m.getValue() ? f.name(m.getKey()).type().optional().longType() : f.name(m.getKey()).type().optional().doubleType();
    }
    this.schema = f
        .name("revision").doc("grows by one each time the row's content changes").type().longType().noDefault()
        .name("is_complete").doc("window end is before the watermark (max event time - allowed lateness)").type().booleanType().noDefault()
        .name("late_correction").doc("this revision changed a window that was already complete").type().booleanType().noDefault()
        .name("computed_at").type(ts).noDefault()
        .name("source_instant").doc("events-table instant this revision reflects").type().stringType().noDefault()
        .name(EventSchemas.IS_DELETED).type().booleanType().booleanDefault(false)
        .name(EventSchemas.DT).doc("window date, UTC").type().stringType().noDefault()
        .name(PARTIALS).doc("exact state behind a decomposable metric's rounded measures (per field: count, sum,"
            + " min, max), so the next recompute can apply changes by delta; null for other metrics")
        .type().optional().stringType()
        .endRecord();
    this.table = new HudiTable(new HudiTable.Layout(spec.metricsTableName(), spec.metricsBasePath(), TableType.COW,
        List.of("metric", "grain", "window_start", "dims"), "revision", List.of(EventSchemas.DT), IndexType.SIMPLE),
        conf, Map.of());
  }

  public HudiTable table() {
    return table;
  }

  public Schema schema() {
    return schema;
  }

  public List<String> dimensionColumns() {
    return dimensionColumns;
  }

  /** Measure columns and whether each holds a long (else a double). */
  public Map<String, Boolean> measureColumns() {
    return measureColumns;
  }
}
