package io.sluice.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Collects one file's outcome. Every record a format reader meets goes through exactly one of
 * {@link #accept} or {@link #quarantine}, which is what makes {@code recordsIn == good + quarantined}.
 */
final class FileSink {
  private final LandingFile file;
  private final TableRecords tables;
  final List<GenericRecord> good = new ArrayList<>();
  final List<QuarantinedRecord> bad = new ArrayList<>();
  /** Unknown fields dropped under allow-unknown-fields: field path to records that carried it. */
  final java.util.Map<String, Long> ignored = new java.util.TreeMap<>();
  private long deletes;
  private long lastQuarantinedLine = -1;

  FileSink(LandingFile file, TableRecords tables) {
    this.file = file;
    this.tables = tables;
  }

  LandingFile file() {
    return file;
  }

  /** A record that was converted to the user schema; record-level rules may still quarantine it. */
  void accept(long line, Supplier<String> raw, GenericData.Record user) {
    GenericData.Record r;
    try {
      r = tables.build(user, file);
    } catch (BadRecordException e) {
      quarantine(line, raw.get(), e.getMessage());
      return;
    }
    if (tables.isDelete(r)) {
      deletes++;
    }
    good.add(r);
  }

  /** A record that cannot be ingested; {@code raw} is its full text, cut to 64 KiB here. */
  void quarantine(long line, String raw, String error) {
    quarantineBounded(line, Raw.of(raw), error);
  }

  /** Like {@link #quarantine} for raw text already bounded by {@link Raw}. */
  void quarantineBounded(long line, String raw, String error) {
    // The quarantine table is keyed by (file, line): a repeated line would overwrite a row.
    if (line <= lastQuarantinedLine) {
      throw new IllegalStateException("bug: quarantine line " + line + " of " + file.path()
          + " is not after line " + lastQuarantinedLine);
    }
    lastQuarantinedLine = line;
    bad.add(new QuarantinedRecord(file.path(), line, raw, error, file.modificationTime()));
  }

  long deletes() {
    return deletes;
  }

  FileReport report(String skipped) {
    return new FileReport(file.path(), good.size() + bad.size(), good.size(), bad.size(), skipped);
  }
}
