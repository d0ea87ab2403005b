package io.sluice.upserts;

import io.sluice.ingest.FileReport;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * What one ingest + upsert batch did; printed by the CLI and stored (counts only) in commit metadata.
 *
 * @param recordsIn records read from landing files; always {@code good + quarantined}
 * @param good records that passed validation (upserts and deletes)
 * @param quarantined records sent to the quarantine table
 * @param upserted records written (inserts + updates) after collapsing duplicates
 * @param stageMillis time per stage: list, read, quarantine, write, commit
 */
public record BatchReport(
    String pipeline,
    boolean nothingNew,
    boolean alreadyCommitted,
    int files,
    long bytes,
    long recordsIn,
    long good,
    long deletes,
    long quarantined,
    long inserts,
    long updates,
    long deletedKeys,
    long upserted,
    SortedSet<String> partitions,
    String eventsInstant,
    String quarantineInstant,
    int backlogFiles,
    Map<String, Long> stageMillis,
    List<FileReport> fileReports) {}
