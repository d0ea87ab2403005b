package io.sluice.upserts;

import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.IndexType;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.TableType;
import io.sluice.ingest.QuarantinedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code <pipeline>_quarantine}: one row per record that could not be ingested, keyed by
 * (source_file, line) so a rerun of the same files upserts the same rows instead of adding copies.
 */
public final class QuarantineTable {
  public static final Schema SCHEMA = SchemaBuilder.record("QuarantinedRecord").namespace("io.sluice")
      .doc("Records Sluice could not ingest, with the reason")
      .fields()
      .name("source_file").doc("landing file").type().stringType().noDefault()
      .name("line").doc("1-based line (JSONL, CSV), record ordinal (Avro), 0 for the whole file").type().longType().noDefault()
      .name("raw").doc("raw text, truncated to 64 KiB").type().stringType().noDefault()
      .name("error").doc("why it was rejected, naming the field").type().stringType().noDefault()
      .name("ingested_at").doc("arrival time of the file").type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
      .name(EventSchemas.DT).doc("arrival date, UTC").type().stringType().noDefault()
      .endRecord();

  private final HudiTable table;

  public QuarantineTable(PipelineSpec spec, Configuration conf) {
    this.table = new HudiTable(new HudiTable.Layout(spec.quarantineTableName(), spec.quarantineBasePath(),
        TableType.COW, List.of("source_file", "line"), "ingested_at", List.of(EventSchemas.DT), IndexType.SIMPLE),
        conf, Map.of());
  }

  public HudiTable table() {
    return table;
  }

  public CommitResult write(List<QuarantinedRecord> rows, Map<String, String> extraMetadata) {
    List<GenericRecord> records = new ArrayList<>(rows.size());
    for (QuarantinedRecord q : rows) {
      GenericData.Record r = new GenericData.Record(SCHEMA);
      r.put("source_file", q.sourceFile());
      r.put("line", q.line());
      r.put("raw", q.raw());
      r.put("error", q.error());
      r.put("ingested_at", q.ingestedAt());
      r.put(EventSchemas.DT, EventSchemas.day(q.ingestedAt()));
      records.add(r);
    }
    return new HudiWriter(table, SCHEMA).upsert(records, extraMetadata, null);
  }
}
