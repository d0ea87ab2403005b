package io.sluice.ingest;

/**
 * A record that could not be ingested.
 *
 * @param line 1-based physical line (JSONL, CSV), record ordinal (Avro), or 0 for the rest of a file
 * @param raw the raw text, truncated to 64 KiB
 * @param error the reason, naming the field when one is at fault
 * @param ingestedAt the file's modification (arrival) time
 */
public record QuarantinedRecord(String sourceFile, long line, String raw, String error, long ingestedAt) {}
