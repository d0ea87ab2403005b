package io.sluice.incremental;

import java.util.Map;

/**
 * What one metrics recompute did.
 *
 * @param since exclusive start of the events range consumed (null: from the beginning)
 * @param until inclusive end of the range, recorded in the metrics commit
 * @param changes changed event keys read
 * @param windows (metric, window) pairs recomputed
 * @param deltaWindows of those, the ones kept by delta from their previous rows and the changed records,
 *     without reading events
 * @param snapshotRecords event records read to recompute them
 * @param snapshotBytes bytes of the file slices those records came from
 * @param rowsWritten metric rows written (changed or new)
 * @param rowsDeleted metric rows deleted (their group has no events left)
 * @param lateCorrections rows of already complete windows that changed
 * @param watermark newest event time seen minus the allowed lateness (epoch ms)
 */
public record RecomputeReport(boolean full, boolean nothingNew, String since, String until, long changes,
    int windows, int deltaWindows, long snapshotRecords, long snapshotBytes, int partitionsRead, long rowsWritten, long rowsDeleted, long lateCorrections,
    long watermark, ScanMetrics scan, String metricsInstant, Map<String, Long> stageMillis) {}
