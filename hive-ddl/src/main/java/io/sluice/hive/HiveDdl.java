package io.sluice.hive;

import io.sluice.core.spec.TableType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Hive DDL for Hudi tables: external tables over the base path with Hudi's input formats, the
 * Parquet serde, Hudi's metadata columns, partition columns, comments and table properties. A
 * merge-on-read table gets a read-optimized {@code _ro} and a real-time {@code _rt} table, as Hudi's
 * own sync creates them. Types follow Hudi's Hive sync with {@code support_timestamp} on.
 */
public final class HiveDdl {
  static final String SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
  static final String INPUT = "org.apache.hudi.hadoop.HoodieParquetInputFormat";
  static final String REALTIME_INPUT = "org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat";
  static final String OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
  static final List<String> HOODIE_META = List.of("_hoodie_commit_time", "_hoodie_commit_seqno",
      "_hoodie_record_key", "_hoodie_partition_path", "_hoodie_file_name");

  private HiveDdl() {}

  /** The statements creating {@code table} in {@code database}: one for COW, two for MOR. */
  public static List<String> create(String database, HiveTable table) {
    List<String> out = new ArrayList<>();
    if (table.type() == TableType.MOR) {
      out.add(create(database, table, table.name() + "_ro", INPUT, true));
      out.add(create(database, table, table.name() + "_rt", REALTIME_INPUT, false));
    } else {
      out.add(create(database, table, table.name(), INPUT, false));
    }
    return out;
  }

  /** The names Hive will know {@code table} by. */
  public static List<String> hiveNames(HiveTable table) {
    return table.type() == TableType.MOR ? List.of(table.name() + "_ro", table.name() + "_rt") : List.of(table.name());
  }

  private static String create(String db, HiveTable t, String name, String input, boolean readOptimized) {
    Set<String> partitions = Set.copyOf(t.partitionColumns());
    StringBuilder sb = new StringBuilder();
    sb.append("CREATE EXTERNAL TABLE IF NOT EXISTS ").append(quote(db)).append('.').append(quote(name)).append(" (\n");
    List<String> cols = new ArrayList<>();
    HOODIE_META.forEach(m -> cols.add("  " + quote(m) + " string COMMENT 'Hudi metadata'"));
    for (Schema.Field f : t.schema().getFields()) {
      if (partitions.contains(f.name()) || HOODIE_META.contains(f.name())) {
        continue;
      }
      cols.add("  " + quote(f.name()) + " " + type(f.schema()) + (f.doc() == null ? "" : " COMMENT " + literal(f.doc())));
    }
    sb.append(String.join(",\n", cols)).append(")\n");
    if (t.comment() != null) {
      sb.append("COMMENT ").append(literal(t.comment())).append('\n');
    }
    if (!t.partitionColumns().isEmpty()) {
      sb.append("PARTITIONED BY (").append(t.partitionColumns().stream().map(p -> quote(p) + " string")
          .collect(Collectors.joining(", "))).append(")\n");
    }
    sb.append("ROW FORMAT SERDE ").append(literal(SERDE)).append('\n')
        .append("WITH SERDEPROPERTIES ('hoodie.query.as.ro.table'=").append(literal(String.valueOf(readOptimized)))
        .append(", 'path'=").append(literal(t.basePath())).append(")\n")
        .append("STORED AS INPUTFORMAT ").append(literal(input)).append('\n')
        .append("OUTPUTFORMAT ").append(literal(OUTPUT)).append('\n')
        .append("LOCATION ").append(literal(t.basePath())).append('\n')
        .append("TBLPROPERTIES ('hoodie.table.name'=").append(literal(t.name()))
        .append(", 'hoodie.table.type'=").append(literal(t.type() == TableType.MOR ? "MERGE_ON_READ" : "COPY_ON_WRITE"))
        .append(", 'hoodie.table.version'='6', 'created.by'='sluice')");
    return sb.toString();
  }

  /** The Hive type of an Avro schema. */
  static String type(Schema s) {
    Schema n = nonNull(s);
    LogicalType lt = n.getLogicalType();
    if (lt instanceof LogicalTypes.TimestampMillis || lt instanceof LogicalTypes.TimestampMicros) {
      return "timestamp";
    }
    if (lt instanceof LogicalTypes.Date) {
      return "date";
    }
    if (lt instanceof LogicalTypes.Decimal d) {
      return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    }
    return switch (n.getType()) {
      case STRING, ENUM -> "string";
      case INT -> "int";
      case LONG -> "bigint";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case BOOLEAN -> "boolean";
      case BYTES, FIXED -> "binary";
      case ARRAY -> "array<" + type(n.getElementType()) + ">";
      case MAP -> "map<string," + type(n.getValueType()) + ">";
      case RECORD -> "struct<" + n.getFields().stream().map(f -> quote(f.name()) + ":" + type(f.schema()))
          .collect(Collectors.joining(",")) + ">";
      default -> throw new IllegalArgumentException("no Hive type for Avro " + n);
    };
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    List<Schema> types = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
    if (types.size() != 1) {
      throw new IllegalArgumentException("Hive has no type for the union " + s);
    }
    return types.get(0);
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
