package io.sluice.incremental;

import org.apache.avro.generic.GenericRecord;

/**
 * One record key's net change over a range of instants.
 *
 * @param before the version live at the start of the range; null for an insert
 * @param after the version live at the end of the range; null for a delete
 * @param commitTime the instant that wrote {@code after}, or the range's end for a delete
 */
public record Change(Op op, String key, String partition, GenericRecord before, GenericRecord after, String commitTime) {
  /** How a key changed over the range. */
  public enum Op { INSERT, UPDATE, DELETE }
}
