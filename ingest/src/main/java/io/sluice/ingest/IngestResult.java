package io.sluice.ingest;

import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/** Outcome of reading a batch of landing files: valid records in the events-table schema, quarantined records and one report per file. */
public final class IngestResult {
  private final List<GenericRecord> records;
  private final List<QuarantinedRecord> quarantined;
  private final List<FileReport> files;
  private final long deletes;
  private final Map<String, Long> ignoredFields;

  IngestResult(List<GenericRecord> records, List<QuarantinedRecord> quarantined, List<FileReport> files, long deletes,
      Map<String, Long> ignoredFields) {
    this.ignoredFields = Map.copyOf(ignoredFields);
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

  /**
   * Fields the schema does not know that {@code allow-unknown-fields: true} dropped, by path, with
   * how many records carried each: schema drift that loses no record but would otherwise go unseen.
   */
  public Map<String, Long> ignoredFields() {
    return ignoredFields;
  }

  /** How many of {@link #records()} delete their key. */
  public long deletes() {
    return deletes;
  }
}
