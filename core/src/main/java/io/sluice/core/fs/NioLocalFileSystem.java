package io.sluice.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
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

  static FsPermission hadoop(Set<PosixFilePermission> p) {
    return new FsPermission(
        action(p, PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE),
        action(p, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE),
        action(p, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE));
  }

  private static FsAction action(Set<PosixFilePermission> p, PosixFilePermission r, PosixFilePermission w,
                                 PosixFilePermission x) {
    FsAction a = FsAction.NONE;
    a = p.contains(r) ? a.or(FsAction.READ) : a;
    a = p.contains(w) ? a.or(FsAction.WRITE) : a;
    return p.contains(x) ? a.or(FsAction.EXECUTE) : a;
  }

  static Set<PosixFilePermission> posix(FsPermission p) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    add(s, p.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE);
    add(s, p.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE);
    add(s, p.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE);
    return s;
  }

  private static void add(Set<PosixFilePermission> s, FsAction a, PosixFilePermission r, PosixFilePermission w,
                          PosixFilePermission x) {
    if (a.implies(FsAction.READ)) {
      s.add(r);
    }
    if (a.implies(FsAction.WRITE)) {
      s.add(w);
    }
    if (a.implies(FsAction.EXECUTE)) {
      s.add(x);
    }
  }
}
