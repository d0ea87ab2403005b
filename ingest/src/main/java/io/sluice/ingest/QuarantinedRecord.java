package io.sluice.ingest;

/**
 * One record that could not be ingested. Within one file {@code line} is unique, so
 * (sourceFile, line) identifies the row: the quarantine table is keyed by it.
 *
 * @param sourceFile landing file URI
 * @param line 1-based physical line where the record starts (JSONL, CSV), 1-based record ordinal
 *     (Avro), or 0 for a problem with the whole file
 * @param raw the raw text (Avro: the record rendered as JSON); at most 64 KiB of UTF-8 followed by
 *     {@code …[truncated N bytes]} when longer
 * @param error why, naming the field at fault when there is one
 * @param ingestedAt the file's modification (arrival) time, epoch millis
 */
public record QuarantinedRecord(String sourceFile, long line, String raw, String error, long ingestedAt) {}
