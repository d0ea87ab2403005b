package io.sluice.core.spec;

/** How landing files are encoded. */
public enum SourceFormat {
  /** One JSON object per line (UTF-8). */
  JSONL,
  /** RFC 4180 CSV with a header row naming the schema's fields. */
  CSV,
  /** Avro object container files, read with their writer schema and resolved to the pipeline schema. */
  AVRO
}
