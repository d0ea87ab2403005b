package io.sluice.ingest;

/**
 * What happened to one landing file. Always {@code recordsIn == good + quarantined}.
 *
 * @param file landing file URI
 * @param recordsIn records (non-blank lines, CSV rows, Avro records) seen, plus one for a
 *     file-level problem that was quarantined
 * @param good records that became table records
 * @param quarantined records quarantined
 * @param skipped null when the file was read; otherwise why its content was not ingested, e.g.
 *     {@code file vanished between listing and reading}
 */
public record FileReport(String file, long recordsIn, long good, long quarantined, String skipped) {}
