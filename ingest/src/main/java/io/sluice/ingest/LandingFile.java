package io.sluice.ingest;

/**
 * A landing file chosen for a batch.
 *
 * @param path fully qualified URI string, e.g. {@code hdfs://nn:8020/landing/dt=2024-05-01/a.jsonl}
 * @param length size in bytes when listed
 * @param modificationTime modification time in epoch millis when listed; also the records' arrival time
 */
public record LandingFile(String path, long length, long modificationTime) {}
