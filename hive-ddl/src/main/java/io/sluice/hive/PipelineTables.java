package io.sluice.hive;

import io.sluice.checks.CheckResultsTable;
import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.TableType;
import io.sluice.incremental.MetricsTable;
import io.sluice.upserts.QuarantineTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** Every table a pipeline writes: events, metrics, check results and quarantine. */
public final class PipelineTables {
  private PipelineTables() {}

  public static List<HiveTable> of(PipelineSpec spec, Configuration conf) {
    List<HiveTable> out = new ArrayList<>();
    out.add(new HiveTable(spec.table().name(), spec.table().basePath(), spec.table().type(),
        EventSchemas.tableSchema(EventSchemas.userSchema(spec), spec.table()), spec.table().partitionColumns(),
        "Events of pipeline " + spec.name() + ", upserted by Sluice (key " + String.join(", ", spec.table().recordKey())
            + ")"));
    if (!spec.metrics().isEmpty()) {
      out.add(new HiveTable(spec.metricsTableName(), spec.metricsBasePath(), TableType.COW,
          new MetricsTable(spec, conf).schema(), List.of(EventSchemas.DT),
          "Metric windows of pipeline " + spec.name() + ", recomputed incrementally by Sluice"));
      if (spec.checks().enabled()) {
        out.add(new HiveTable(spec.checkResultsTableName(), spec.checkResultsBasePath(), TableType.COW,
            CheckResultsTable.SCHEMA, List.of(EventSchemas.DT),
            "Completeness, quality and anomaly findings of pipeline " + spec.name()));
      }
    }
    out.add(new HiveTable(spec.quarantineTableName(), spec.quarantineBasePath(), TableType.COW, QuarantineTable.SCHEMA,
        List.of(EventSchemas.DT), "Records of pipeline " + spec.name() + " that could not be ingested, with the reason"));
    return out;
  }
}
