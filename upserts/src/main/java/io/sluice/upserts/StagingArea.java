package io.sluice.upserts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.SluiceException;
import io.sluice.ingest.FileReport;
import io.sluice.ingest.SourceCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Hands a {@link StagedBatch} from the ingest stage to the upsert stage when they run as separate
 * processes (Oozie actions). The manifest is renamed into place last, so a staged batch either is
 * complete or is discarded.
 */
public final class StagingArea {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECORDS = "records.avro";
  private static final String MANIFEST = "manifest.json";

  private final Path dir;
  private final FileSystem fs;
  private final Schema schema;

  /** Manifest form of a staged batch, without its records. */
  record Manifest(String from, String next, long recordsIn, long quarantined, long deletes, long bytes,
      int backlogFiles, String quarantineInstant, List<FileReport> fileReports, Map<String, Long> sourceDrift,
      Map<String, Long> stageMillis) {}

  public StagingArea(String dir, Configuration conf, Schema tableSchema) {
    this.dir = new Path(dir);
    this.schema = tableSchema;
    try {
      this.fs = this.dir.getFileSystem(conf);
    } catch (IOException e) {
      throw new SluiceException("cannot reach staging dir " + dir + ": " + e.getMessage(), e);
    }
  }

  public void write(StagedBatch b) {
    try {
      fs.delete(dir, true);
      fs.mkdirs(dir);
      try (OutputStream out = fs.create(new Path(dir, RECORDS), true);
           DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
        w.setCodec(CodecFactory.snappyCodec());
        w.create(schema, out);
        for (GenericRecord r : b.records()) {
          w.append(r);
        }
      }
      Manifest m = new Manifest(b.from().toJson(), b.next().toJson(), b.recordsIn(), b.quarantined(), b.deletes(),
          b.bytes(), b.backlogFiles(), b.quarantineInstant(), b.fileReports(), b.sourceDrift(), b.stageMillis());
      Path tmp = new Path(dir, "_" + MANIFEST);
      try (OutputStream out = fs.create(tmp, true)) {
        JSON.writeValue(out, m);
      }
      if (!fs.rename(tmp, new Path(dir, MANIFEST))) {
        throw new IOException("rename of " + tmp + " failed");
      }
    } catch (IOException e) {
      throw new SluiceException("cannot stage batch in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The complete staged batch, if any; a partial one left by a crash is deleted. */
  public Optional<StagedBatch> read() {
    try {
      Path manifest = new Path(dir, MANIFEST);
      if (!fs.exists(manifest)) {
        if (fs.exists(dir)) {
          fs.delete(dir, true);
        }
        return Optional.empty();
      }
      Manifest m;
      try (InputStream in = fs.open(manifest)) {
        m = JSON.readValue(in, Manifest.class);
      }
      List<GenericRecord> records = new ArrayList<>();
      try (InputStream in = fs.open(new Path(dir, RECORDS));
           DataFileStream<GenericRecord> s = new DataFileStream<>(in, new GenericDatumReader<>(null, schema))) {
        for (GenericRecord r : s) {
          records.add(r);
        }
      }
      return Optional.of(new StagedBatch(SourceCheckpoint.fromJson(m.from()), SourceCheckpoint.fromJson(m.next()),
          records, m.recordsIn(), m.quarantined(), m.deletes(), m.bytes(), m.backlogFiles(), m.quarantineInstant(),
          m.fileReports(), m.sourceDrift(), m.stageMillis()));
    } catch (IOException e) {
      throw new SluiceException("cannot read staged batch in " + dir + ": " + e.getMessage()
          + " (delete " + dir + " to re-ingest it from the landing files)", e);
    }
  }

  public void clear() {
    try {
      fs.delete(dir, true);
    } catch (IOException e) {
      throw new SluiceException("cannot delete staging dir " + dir + ": " + e.getMessage(), e);
    }
  }
}
