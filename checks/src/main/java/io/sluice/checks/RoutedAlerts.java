package io.sluice.checks;

import io.sluice.core.SluiceException;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The newest check-results commit whose alerts were routed, kept in the checks state directory. A
 * run that stops between its results commit and its alerts leaves this behind the table, and the next
 * run routes the missing findings; an empty value means no commit has been routed yet.
 */
final class RoutedAlerts {
  private final Path file;
  private final Configuration conf;

  RoutedAlerts(String stateDir, Configuration conf) {
    this.file = new Path(stateDir, "alerts-routed-through");
    this.conf = conf;
  }

  /** The instant, empty text for none yet, or empty when no run of this version has recorded it. */
  Optional<String> through() {
    try {
      return StateFile.readText(file, conf).map(String::trim);
    } catch (IOException e) {
      throw new SluiceException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  void routedThrough(String instant) {
    try {
      StateFile.writeText(file, conf, instant);
    } catch (IOException e) {
      throw new SluiceException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
