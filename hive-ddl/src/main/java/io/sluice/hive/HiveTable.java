package io.sluice.hive;

import io.sluice.core.spec.TableType;
import java.util.List;
import org.apache.avro.Schema;

/**
 * One Hudi table of a pipeline as Hive sees it.
 *
 * @param name table name in the metastore
 * @param basePath Hudi base path (the table's location)
 * @param type copy-on-write or merge-on-read (which gets a read-optimized and a real-time table)
 * @param schema the Avro schema Sluice writes, partition columns included
 * @param partitionColumns Hive partition columns, in path order
 * @param comment table comment
 */
public record HiveTable(String name, String basePath, TableType type, Schema schema, List<String> partitionColumns,
                        String comment) {}
