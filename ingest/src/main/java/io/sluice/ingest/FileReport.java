package io.sluice.ingest;

/**
 * What happened to one landing file; {@code skipped} is null when it was read, else the reason.
 * Always {@code recordsIn == good + quarantined}.
 */
public record FileReport(String file, long recordsIn, long good, long quarantined, String skipped) {}
