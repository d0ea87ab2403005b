package io.sluice.ingest;

import java.util.List;
import org.apache.avro.generic.GenericRecord;

/** Outcome of reading a batch of landing files: valid records (in the table schema) and quarantined ones. */
public final class IngestResult {
  private final List<GenericRecord> records;
  private final List<QuarantinedRecord> quarantined;
  private final List<FileReport> files;
  private final long deletes;

  IngestResult(List<GenericRecord> records, List<QuarantinedRecord> quarantined, List<FileReport> files, long deletes) {
    this.records = List.copyOf(records);
    this.quarantined = List.copyOf(quarantined);
    this.files = List.copyOf(files);
    this.deletes = deletes;
    long in = files.stream().mapToLong(FileReport::recordsIn).sum();
    if (in != records.size() + quarantined.size()) {
      throw new IllegalStateException("ingest lost track of records: " + in + " in, "
          + records.size() + " good, " + quarantined.size() + " quarantined");
    }
  }

  /** Valid records in the events table schema; deletes included. */
  public List<GenericRecord> records() {
    return records;
  }

  public List<QuarantinedRecord> quarantined() {
    return quarantined;
  }

  public List<FileReport> files() {
    return files;
  }

  /** Records read; always {@code records().size() + quarantined().size()}. */
  public long recordsIn() {
    return records.size() + quarantined.size();
  }

  /** How many of {@link #records()} delete their key. */
  public long deletes() {
    return deletes;
  }
}
