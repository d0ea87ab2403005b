package io.sluice.checks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.SluiceException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
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
      return StateFile.read(file, conf, in -> JSON.readValue(in, State.class)).orElseGet(State::new);
    } catch (IOException e) {
      throw new SluiceException("cannot read the column profiles at " + file + ": " + e.getMessage()
          + "; delete the file to rebuild the quality baseline from new data", e);
    }
  }

  void save(State s) {
    try {
      StateFile.write(file, conf, out -> JSON.writeValue(out, s));
    } catch (IOException e) {
      throw new SluiceException("cannot write the column profiles to " + file + ": " + e.getMessage(), e);
    }
  }
}
