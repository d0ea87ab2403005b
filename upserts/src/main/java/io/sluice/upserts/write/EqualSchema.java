package io.sluice.upserts.write;

import org.apache.avro.Schema;

/**
 * Whether a schema equals one target schema, deep-compared once per instance. Records of one batch or
 * one file share a schema instance that is often equal to the target but not the same object (parquet-avro
 * parses its own), and Avro's {@code Schema.equals} per record cost 5–15% of a write.
 */
final class EqualSchema {
  private final Schema target;
  /** The last instance found equal to the target. */
  private volatile Schema lastEqual;

  EqualSchema(Schema target) {
    this.target = target;
  }

  boolean test(Schema s) {
    if (s == target || s == lastEqual) {
      return true;
    }
    if (s.equals(target)) {
      lastEqual = s;
      return true;
    }
    return false;
  }
}
