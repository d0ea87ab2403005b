package io.sluice.ingest;

import java.util.List;
import org.apache.avro.generic.GenericRecord;

/** Outcome of reading a batch of landing files: valid records in the events-table schema, quarantined records and one report per file. */
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
    long good = files.stream().mapToLong(FileReport::good).sum();
    long bad = files.stream().mapToLong(FileReport::quarantined).sum();
    if (in != records.size() + quarantined.size() || good != records.size() || bad != quarantined.size()) {
      throw new IllegalStateException("bug: ingest lost track of records: files report " + in + " in = " + good
          + " good + " + bad + " quarantined, but there are " + records.size() + " good and "
          + quarantined.size() + " quarantined");
    }
  }

  /** Valid records in the events-table schema, in file order; deletes included. */
  public List<GenericRecord> records() {
    return records;
  }

  /** Records that could not be ingested, in file order. */
  public List<QuarantinedRecord> quarantined() {
    return quarantined;
  }

  /** One report per file read, in the order given. */
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
