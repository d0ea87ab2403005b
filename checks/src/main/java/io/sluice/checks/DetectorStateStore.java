package io.sluice.checks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.SluiceException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saved anomaly-detector state per metric series, so the next run continues from the last scored
 * window instead of refitting on all history. One gzipped JSON file per metric in the checks state
 * directory, replaced atomically; a missing or unreadable file only means the next run refits.
 */
final class DetectorStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(DetectorStateStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A series' detector after scoring through {@code lastWindow}. */
  record Entry(@JsonProperty("last_window") long lastWindow, @JsonProperty("state") String state) {}

  private final String dir;
  private final Configuration conf;

  DetectorStateStore(String stateDir, Configuration conf) {
    this.dir = stateDir + "/detectors";
    this.conf = conf;
  }

  private Path file(String metric) {
    return new Path(dir, metric + ".json.gz");
  }

  Map<String, Entry> load(String metric) {
    Path f = file(metric);
    try {
      Map<String, Entry> m = StateFile.read(f, conf, in -> JSON.<Map<String, Entry>>readValue(new GZIPInputStream(in),
          JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, Entry.class))).orElseGet(TreeMap::new);
      return new TreeMap<>(m);
    } catch (IOException e) {
      LOG.warn("cannot read detector state {} ({}); its series will be refit from history", f, e.getMessage());
      return new TreeMap<>();
    }
  }

  void save(String metric, Map<String, Entry> entries) {
    Path f = file(metric);
    try {
      StateFile.write(f, conf, out -> {
        GZIPOutputStream gz = new GZIPOutputStream(out);
        JSON.writeValue(gz, entries);
      });
    } catch (IOException e) {
      throw new SluiceException("cannot save detector state to " + f + ": " + e.getMessage(), e);
    }
  }
}
