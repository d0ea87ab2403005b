package io.sluice.oozie;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

/** Copies a rendered app directory to its {@code appPath} on the cluster's file system (HDFS). */
public final class AppDeployer {
  private final Configuration conf;

  public AppDeployer(Configuration conf) {
    this.conf = conf;
  }

  /**
   * Replaces {@code target} with the contents of {@code appDir}; returns the number of files copied.
   * Running coordinators pick the new app up at their next materialisation.
   */
  public int deploy(java.nio.file.Path appDir, String target) {
    try {
      Path dst = new Path(target);
      FileSystem fs = dst.getFileSystem(conf);
      if (fs.exists(dst) && !fs.delete(dst, true)) {
        throw new IOException("cannot remove the previous app at " + dst);
      }
      fs.mkdirs(dst);
      FileSystem local = FileSystem.getLocal(conf);
      int n = 0;
      for (java.nio.file.Path p : java.nio.file.Files.walk(appDir).filter(java.nio.file.Files::isRegularFile).toList()) {
        Path to = new Path(dst, appDir.relativize(p).toString().replace('\\', '/'));
        FileUtil.copy(local, new Path(p.toUri()), fs, to, false, true, conf);
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot deploy " + appDir + " to " + target + ": " + e.getMessage(), e);
    }
  }
}
