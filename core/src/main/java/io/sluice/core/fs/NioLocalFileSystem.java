package io.sluice.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's checksummed local file system, setting and reading permissions through {@code java.nio}
 * instead of forking {@code chmod} for every file it creates and {@code ls -ld} for every status whose
 * permission, owner or group is asked for (what Hadoop does without its native library, which Maven
 * Central does not ship; {@code listFiles} asks for each file it lists, as Hudi's marker reconciliation
 * does at every commit). Hudi creates and lists several files per commit (markers, timeline instants,
 * data files), so on a laptop the forks were a measurable share of every mini-batch. Sluice registers
 * it for {@code file:} through {@link LocalFileSystems#register}; HDFS is untouched.
 */
public class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw local file system with an NIO {@code setPermission} and statuses that carry their permission. */
  public static class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      java.nio.file.Path file = pathToFile(p).toPath();
      try {
        Files.setPosixFilePermissions(file, posix(permission));
      } catch (UnsupportedOperationException e) {
        super.setPermission(p, permission);   // not a POSIX file system: Hadoop's own way
      } catch (java.nio.file.NoSuchFileException e) {
        throw new java.io.FileNotFoundException("File " + p + " does not exist");
      }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
      return withPermission(super.getFileStatus(f));
    }

    // A directory's entries come from getFileStatus above; a file's own status does not.
    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
      FileStatus[] all = super.listStatus(f);
      for (int i = 0; i < all.length; i++) {
        all[i] = all[i].getClass() == FileStatus.class ? all[i] : withPermission(all[i]);
      }
      return all;
    }

    /**
     * The status with permission, owner and group read through NIO (the sticky bit, which NIO does not
     * show, is left out); Hadoop's own status when the file system is not POSIX or the file is gone.
     */
    private FileStatus withPermission(FileStatus s) {
      if (s == null || s.isSymlink()) {
        return s;
      }
      PosixFileAttributes a;
      try {
        a = Files.readAttributes(pathToFile(s.getPath()).toPath(), PosixFileAttributes.class);
      } catch (IOException | UnsupportedOperationException e) {
        return s;
      }
      return new FileStatus(s.getLen(), s.isDirectory(), s.getReplication(), s.getBlockSize(),
          s.getModificationTime(), s.getAccessTime(), hadoop(a.permissions()), a.owner().getName(),
          a.group().getName(), s.getPath());
    }
  }

  // Both directions go through the rwx text Hadoop and java.nio each parse (Hadoop's own for `ls -ld`).
  static FsPermission hadoop(Set<PosixFilePermission> p) {
    return FsPermission.valueOf("-" + PosixFilePermissions.toString(p));
  }

  static Set<PosixFilePermission> posix(FsPermission p) {
    return PosixFilePermissions.fromString(p.getUserAction().SYMBOL + p.getGroupAction().SYMBOL
        + p.getOtherAction().SYMBOL);
  }
}
