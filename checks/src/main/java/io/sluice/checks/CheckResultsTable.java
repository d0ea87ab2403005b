package io.sluice.checks;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.IndexType;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.TableType;
import io.sluice.upserts.CommitResult;
import io.sluice.upserts.HudiTable;
import io.sluice.upserts.HudiWriter;
import io.sluice.upserts.SnapshotReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code <pipeline>_check_results}: every finding of every checks run, partitioned by the day of the
 * window it is about (the run's day when it is about no window). Keyed by run and finding, so a
 * rerun of the same run replaces its rows rather than adding copies.
 */
public final class CheckResultsTable {
  private static final Schema TS = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
  public static final Schema SCHEMA = SchemaBuilder.record("CheckResult").namespace("io.sluice")
      .doc("Findings of Sluice's completeness, quality and anomaly checks").fields()
      .name("result_id").doc("run_id|check|table|window|metric|dims|column|partition").type().stringType().noDefault()
      .name("run_id").doc("checks run: the events instant it checked up to").type().stringType().noDefault()
      .name("check").type().stringType().noDefault()
      .name("kind").doc("completeness, quality or anomaly").type().stringType().noDefault()
      .name("table_name").type().stringType().noDefault()
      .name("partition").type().optional().stringType()
      .name("window_start").type().optional().type(TS)
      .name("window_end").type().optional().type(TS)
      .name("metric").type().optional().stringType()
      .name("dims").type().optional().stringType()
      .name("column_name").type().optional().stringType()
      .name("observed").type().optional().doubleType()
      .name("expected").type().optional().doubleType()
      .name("lower").type().optional().doubleType()
      .name("upper").type().optional().doubleType()
      .name("score").doc("anomaly score or strength of evidence, 0..1").type().optional().doubleType()
      .name("severity").doc("ok, warn or critical").type().stringType().noDefault()
      .name("status").doc("passed, failed or skipped").type().stringType().noDefault()
      .name("message").type().stringType().noDefault()
      .name("evaluated_at").type(TS).noDefault()
      .name(EventSchemas.DT).doc("day of window_start (else of evaluated_at), UTC").type().stringType().noDefault()
      .endRecord();

  private final HudiTable table;

  public CheckResultsTable(PipelineSpec spec, Configuration conf) {
    this.table = new HudiTable(new HudiTable.Layout(spec.checkResultsTableName(), spec.checkResultsBasePath(),
        TableType.COW, List.of("result_id"), "evaluated_at", List.of(EventSchemas.DT), IndexType.SIMPLE),
        conf, Map.of());
  }

  public HudiTable table() {
    return table;
  }

  /** Upserts the findings of one run; the extra metadata carries the run's checkpoint. */
  public CommitResult write(Collection<CheckResult> results, Map<String, String> extraMetadata) {
    return write(results, extraMetadata, null);
  }

  /** As {@link #write(Collection, Map)}, pausing at {@code crashPoint} (see CrashPoints) before the commit. */
  public CommitResult write(Collection<CheckResult> results, Map<String, String> extraMetadata, String crashPoint) {
    List<GenericRecord> records = new ArrayList<>(results.size());
    for (CheckResult c : results) {
      records.add(toRecord(c));
    }
    return new HudiWriter(table, SCHEMA).upsert(records, extraMetadata, crashPoint);
  }

  /** All findings in the table, or those of the given partitions. */
  public List<CheckResult> read(Collection<String> partitions) {
    if (!table.exists()) {
      return List.of();
    }
    SnapshotReader r = new SnapshotReader(table, SCHEMA);
    List<CheckResult> out = new ArrayList<>();
    r.forEach(partitions == null ? r.partitions() : partitions, g -> out.add(fromRecord(g)));
    return out;
  }

  static GenericRecord toRecord(CheckResult c) {
    GenericData.Record r = new GenericData.Record(SCHEMA);
    r.put("result_id", c.resultId());
    r.put("run_id", c.runId());
    r.put("check", c.check());
    r.put("kind", c.kind());
    r.put("table_name", c.tableName());
    r.put("partition", c.partition());
    r.put("window_start", c.windowStart());
    r.put("window_end", c.windowEnd());
    r.put("metric", c.metric());
    r.put("dims", c.dims());
    r.put("column_name", c.column());
    r.put("observed", c.observed());
    r.put("expected", c.expected());
    r.put("lower", c.lower());
    r.put("upper", c.upper());
    r.put("score", c.score());
    r.put("severity", c.severity());
    r.put("status", c.status());
    r.put("message", c.message());
    r.put("evaluated_at", c.evaluatedAt());
    r.put(EventSchemas.DT, EventSchemas.day(c.windowStart() != null ? c.windowStart() : c.evaluatedAt()));
    return r;
  }

  static CheckResult fromRecord(GenericRecord g) {
    return new CheckResult(str(g, "run_id"), str(g, "check"), str(g, "kind"), str(g, "table_name"),
        str(g, "partition"), (Long) g.get("window_start"), (Long) g.get("window_end"), str(g, "metric"),
        str(g, "dims"), str(g, "column_name"), (Double) g.get("observed"), (Double) g.get("expected"),
        (Double) g.get("lower"), (Double) g.get("upper"), (Double) g.get("score"), str(g, "severity"),
        str(g, "status"), str(g, "message"), (Long) g.get("evaluated_at"));
  }

  private static String str(GenericRecord g, String f) {
    Object v = g.get(f);
    return v == null ? null : v.toString();
  }
}
