package io.sluice.upserts;

import io.sluice.ingest.FileReport;
import io.sluice.ingest.SourceCheckpoint;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * An ingested batch waiting to be upserted: validated records, and the checkpoint it moves the
 * events table from and to. Quarantined records are already committed when a batch is staged.
 */
public record StagedBatch(
    SourceCheckpoint from,
    SourceCheckpoint next,
    List<GenericRecord> records,
    long recordsIn,
    long quarantined,
    long deletes,
    long bytes,
    int backlogFiles,
    String quarantineInstant,
    List<FileReport> fileReports,
    Map<String, Long> sourceDrift,
    Map<String, Long> stageMillis) {

  public StagedBatch {
    sourceDrift = sourceDrift == null ? Map.of() : Map.copyOf(sourceDrift);
  }

  public boolean isEmpty() {
    return fileReports.isEmpty();
  }
}
