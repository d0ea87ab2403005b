package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The events table: a Hudi table keyed by the record key, partitioned by event time.
 *
 * @param name table name, also the Hive table name; default {@code <pipeline>_events}
 * @param basePath Hudi base path; default {@code <work-dir>/tables/<name>}
 * @param type COW (default) or MOR
 * @param recordKey one or more schema fields forming the unique key; required
 * @param orderingField precombine field: among versions of a key the largest wins; required
 * @param eventTimeField timestamp field deciding the partition; required
 * @param partitionGrain DAY (default) or HOUR
 * @param index Hudi index type, default BLOOM
 * @param deleteField optional boolean field; when true the record deletes its key
 * @param writeThreads file groups an upsert writes at once, default the machine's available processors
 */
public record TableSpec(
    @JsonProperty("name") String name,
    @JsonProperty("base-path") String basePath,
    @JsonProperty("type") TableType type,
    @JsonProperty("record-key") List<String> recordKey,
    @JsonProperty("ordering-field") String orderingField,
    @JsonProperty("event-time-field") String eventTimeField,
    @JsonProperty("partition-grain") PartitionGrain partitionGrain,
    @JsonProperty("index") IndexType index,
    @JsonProperty("delete-field") String deleteField,
    @JsonProperty("write-threads") Integer writeThreads) {

  public TableSpec {
    type = type == null ? TableType.COW : type;
    recordKey = recordKey == null ? List.of() : List.copyOf(recordKey);
    partitionGrain = partitionGrain == null ? PartitionGrain.DAY : partitionGrain;
    index = index == null ? IndexType.BLOOM : index;
    writeThreads = writeThreads == null ? Runtime.getRuntime().availableProcessors() : writeThreads;
  }

  /** Hive-style partition columns written into every record. */
  public List<String> partitionColumns() {
    return partitionGrain == PartitionGrain.HOUR ? List.of("dt", "hr") : List.of("dt");
  }

  TableSpec withNameAndPath(String n, String path) {
    return new TableSpec(n, path, type, recordKey, orderingField, eventTimeField, partitionGrain,
        index, deleteField, writeThreads);
  }
}
