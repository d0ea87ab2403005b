package io.sluice.checks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Daily column profiles of the events table, the baseline of the quality checks. Kept as one JSON
 * file in the checks state directory (on the same file system as the tables) and replaced atomically
 * by rename; {@code through} names the events instant it includes, so a rerun never counts a batch twice.
 */
final class ProfileStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The stored state. */
  static final class State {
    @JsonProperty("through") String through;
    @JsonProperty("days") Map<String, Map<String, ColumnProfile>> days = new TreeMap<>();
  }

  private final Path file;
  private final Configuration conf;

  ProfileStore(String stateDir, Configuration conf) {
    this.file = new Path(stateDir, "profiles.json");
    this.conf = conf;
  }

  State load() {
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) {
        return new State();
      }
      try (InputStream in = fs.open(file)) {
        return JSON.readValue(in, State.class);
      }
    } catch (IOException e) {
      throw new SluiceException("cannot read the column profiles at " + file + ": " + e.getMessage()
          + "; delete the file to rebuild the quality baseline from new data", e);
    }
  }

  void save(State s) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
      fs.mkdirs(file.getParent());
      try (OutputStream out = fs.create(tmp, true)) {
        JSON.writeValue(out, s);
      }
      fs.delete(file, false);
      if (!fs.rename(tmp, file)) {
        throw new IOException("rename " + tmp + " -> " + file + " failed");
      }
    } catch (IOException e) {
      throw new SluiceException("cannot write the column profiles to " + file + ": " + e.getMessage(), e);
    }
  }
}
