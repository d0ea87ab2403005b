package io.sluice.incremental;

/**
 * What a scan read: the file slices of the file groups its commits wrote (as of both ends of the
 * range), never the whole table.
 */
public record ScanMetrics(int fileGroups, int filesRead, long bytesRead, long recordsRead) {}
