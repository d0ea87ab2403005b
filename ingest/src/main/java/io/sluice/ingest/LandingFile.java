package io.sluice.ingest;

/** A landing file chosen for a batch; {@code path} is the fully qualified URI. */
public record LandingFile(String path, long length, long modificationTime) {}
