package io.sluice.checks.records;

import io.sluice.checks.StateFile;
import io.sluice.core.SluiceException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Record models on the pipeline's file system, one file per events instant the model learnt through
 * ({@code model-<instant>.json.gz}). A run over {@code (since, until]} scores with the model as of
 * {@code since} and saves the one as of {@code until}, so a rerun of the same range finds the same
 * starting model: it neither trains twice nor skips.
 */
public final class RecordModelStore {
  /** Versions kept: enough to rerun the last few batches. */
  static final int KEEP = 5;
  private static final String PREFIX = "model-";
  private static final String SUFFIX = ".json.gz";

  private final Path dir;
  private final Configuration conf;

  public RecordModelStore(String stateDir, Configuration conf) {
    this.dir = new Path(stateDir, "records");
    this.conf = conf;
  }

  public Path dir() {
    return dir;
  }

  /** Instants with a stored model, oldest first. */
  public List<String> versions() {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      List<String> out = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        String n = s.getPath().getName();
        if (n.startsWith(PREFIX) && n.endsWith(SUFFIX)) {
          out.add(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
        }
      }
      out.sort(null);
      return out;
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new SluiceException("cannot list record models in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The newest model that learnt through {@code instant} or earlier; empty before the first save. */
  public Optional<RecordModel> asOf(String instant) {
    if (instant == null) {
      return Optional.empty();
    }
    List<String> vs = versions();
    for (int i = vs.size() - 1; i >= 0; i--) {
      if (vs.get(i).compareTo(instant) <= 0) {
        return Optional.of(load(vs.get(i)));
      }
    }
    return Optional.empty();
  }

  /** The newest model. */
  public Optional<RecordModel> latest() {
    List<String> vs = versions();
    return vs.isEmpty() ? Optional.empty() : Optional.of(load(vs.get(vs.size() - 1)));
  }

  public RecordModel load(String instant) {
    Path f = file(instant);
    try {
      return StateFile.read(f, conf, in -> RecordModel.read(new GZIPInputStream(in)))
          .orElseThrow(() -> new SluiceException("no record model " + f));
    } catch (IOException e) {
      throw new SluiceException("cannot read record model " + f + ": " + e.getMessage()
          + "; delete it to start the model afresh from the next batch", e);
    }
  }

  /** Saves {@code m} under its seen instant (replacing one already there) and drops old versions. */
  public void save(RecordModel m) {
    if (m.seenInstant() == null) {
      throw new IllegalArgumentException("a model is saved only once it has learnt through an instant");
    }
    Path f = file(m.seenInstant());
    try {
      StateFile.write(f, conf, out -> {
        GZIPOutputStream gz = new GZIPOutputStream(out);
        m.write(gz);
        gz.finish();
      });
      List<String> vs = versions();
      FileSystem fs = dir.getFileSystem(conf);
      for (int i = 0; i < vs.size() - KEEP; i++) {
        fs.delete(file(vs.get(i)), false);
      }
    } catch (IOException e) {
      throw new SluiceException("cannot save record model to " + f + ": " + e.getMessage(), e);
    }
  }

  /** Keeps the last run's summary for reports. */
  public void saveSummary(RecordOutlierCheck.Summary summary) {
    Path f = new Path(dir, "last-run.json");
    try {
      StateFile.write(f, conf, out -> RecordModel.JSON.writeValue(out, summary));
    } catch (IOException e) {
      throw new SluiceException("cannot save " + f + ": " + e.getMessage(), e);
    }
  }

  /** The last run's summary, if any run scored records. */
  public Optional<RecordOutlierCheck.Summary> lastSummary() {
    Path f = new Path(dir, "last-run.json");
    try {
      return StateFile.read(f, conf, in -> RecordModel.JSON.readValue(in, RecordOutlierCheck.Summary.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Path file(String instant) {
    return new Path(dir, PREFIX + instant + SUFFIX);
  }
}
