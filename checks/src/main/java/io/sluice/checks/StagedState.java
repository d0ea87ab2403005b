package io.sluice.checks;

import io.sluice.core.SluiceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state files of one checks run, staged under {@code <state dir>/.staged} and moved over the live
 * ones only once the run's results commit carries the same token. A crash before that commit leaves a
 * stage the next run discards; a crash after it leaves one the next run publishes. Either way the live
 * state is exactly the state of the last committed results, so a rerun neither skips nor repeats a batch.
 */
final class StagedState {
  private static final Logger LOG = LoggerFactory.getLogger(StagedState.class);
  private static final String SEAL = "_SEALED";

  private final Path live;
  private final Path stage;
  private final Configuration conf;

  StagedState(String stateDir, Configuration conf) {
    this.live = new Path(stateDir);
    this.stage = new Path(live, ".staged");
    this.conf = conf;
  }

  /** The directory to write this run's state into, laid out as the state directory itself. */
  String dir() {
    return stage.toString();
  }

  /** Marks the stage complete, for the results commit that will carry {@code token}. */
  void seal(String token) {
    try {
      StateFile.writeText(new Path(stage, SEAL), conf, token);
    } catch (IOException e) {
      throw new SluiceException("cannot seal the checks state staged in " + stage + ": " + e.getMessage(), e);
    }
  }

  /**
   * Settles what an earlier run left: a stage sealed for {@code committedToken} (its results were
   * committed) is published, any other stage is discarded.
   */
  void recover(String committedToken) {
    try {
      FileSystem fs = stage.getFileSystem(conf);
      if (!fs.exists(stage)) {
        return;
      }
      String sealed = StateFile.readText(new Path(stage, SEAL), conf).orElse(null);
      if (sealed != null && sealed.equals(committedToken)) {
        LOG.warn("checks state staged for {} was not published before the run stopped; publishing it now", sealed);
        publish();
      } else {
        LOG.warn("discarding checks state staged by a run whose results were never committed ({})", stage);
        fs.delete(stage, true);
      }
    } catch (IOException e) {
      throw new SluiceException("cannot recover the checks state staged in " + stage + ": " + e.getMessage(), e);
    }
  }

  /** Moves every staged file over its live counterpart, then drops the stage. Safe to repeat after a crash. */
  void publish() {
    try {
      FileSystem fs = stage.getFileSystem(conf);
      if (!fs.exists(stage)) {
        return;
      }
      String root = fs.makeQualified(stage).toUri().getPath();
      List<Path> files = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(stage, true);
      while (it.hasNext()) {
        FileStatus f = it.next();
        if (!f.getPath().getName().equals(SEAL)) {
          files.add(f.getPath());
        }
      }
      for (Path f : files) {
        Path target = new Path(live, f.toUri().getPath().substring(root.length() + 1));
        fs.mkdirs(target.getParent());
        fs.delete(target, false);
        if (!fs.rename(f, target)) {
          throw new IOException("rename " + f + " -> " + target + " failed");
        }
      }
      fs.delete(stage, true);   // the seal goes last: a crash before this publishes again
    } catch (IOException e) {
      throw new SluiceException("cannot publish the checks state staged in " + stage + ": " + e.getMessage(), e);
    }
  }
}
