package io.sluice.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.util.HadoopConfs;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void pipelineConfigurationsUseItForFilePathsAndItKeepsHadoopSemantics() throws Exception {
    Configuration conf = HadoopConfs.of(Map.of("fs.file.impl.disable.cache", "true"));
    FileSystem fs = new Path(dir.toUri()).getFileSystem(conf);
    assertThat(fs).isInstanceOf(NioLocalFileSystem.class);
    assertThat(new Configuration().get("fs.file.impl")).isEqualTo(NioLocalFileSystem.class.getName());

    Path f = new Path(dir.toUri().toString(), "a/b/data.bin");
    try (FSDataOutputStream out = fs.create(f, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
      out.write(new byte[] {1, 2, 3});
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/data.bin"))))
        .isEqualTo("rw-r-----");
    assertThat(Files.exists(dir.resolve("a/b/.data.bin.crc"))).as("still checksummed").isTrue();
    fs.setPermission(f, new FsPermission((short) 0755));
    assertThat(fs.getFileStatus(f).getPermission()).isEqualTo(new FsPermission((short) 0755));
    assertThat(fs.open(f).read()).isEqualTo(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fs.setPermission(new Path(f.getParent(), "missing"),
        new FsPermission((short) 0644))).isInstanceOf(java.io.FileNotFoundException.class);

    // Statuses carry what Hadoop's own file system reads by forking `ls -ld`, without the fork.
    FileSystem hadoops = new org.apache.hadoop.fs.RawLocalFileSystem();
    hadoops.initialize(dir.toUri(), new Configuration());
    fs.setPermission(f, new FsPermission((short) 0604));
    fs.setPermission(f.getParent(), new FsPermission((short) 0751));
    for (Path p : new Path[] {f, f.getParent()}) {
      FileStatus ours = fs.getFileStatus(p);
      FileStatus theirs = hadoops.getFileStatus(p);
      assertThat(ours.getClass()).isEqualTo(FileStatus.class);
      assertThat(List.of(ours.getPermission(), ours.getOwner(), ours.getGroup(), ours.getLen(), ours.isDirectory(),
          ours.getModificationTime())).isEqualTo(List.of(theirs.getPermission(), theirs.getOwner(), theirs.getGroup(),
          theirs.getLen(), theirs.isDirectory(), theirs.getModificationTime()));
    }
    assertThat(fs.getFileStatus(f).getPermission()).isEqualTo(new FsPermission((short) 0604));
    List<FileStatus> listed = new ArrayList<>();
    for (RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(dir.toUri()), true); it.hasNext(); ) {
      listed.add(it.next());
    }
    assertThat(listed).extracting(s -> s.getPath().getName()).containsExactly("data.bin");
    assertThat(listed.get(0).getPermission()).isEqualTo(new FsPermission((short) 0604));
    assertThat(fs.listStatus(f.getParent())).extracting(FileStatus::getPermission)
        .containsExactly(new FsPermission((short) 0604));
    assertThat(List.of(fs.listStatus(f.getParent())[0], fs.listStatus(f)[0])).extracting(Object::getClass)
        .containsOnly(FileStatus.class);

    // Every mode converts to java.nio and back unchanged (the sticky bit is not a POSIX file permission).
    for (short mode = 0; mode <= 0777; mode++) {
      FsPermission p = new FsPermission(mode);
      assertThat(NioLocalFileSystem.hadoop(NioLocalFileSystem.posix(p))).as("mode %o", mode).isEqualTo(p);
    }

    // A spec can still choose Hadoop's own.
    Configuration plain = HadoopConfs.of(Map.of("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem",
        "fs.file.impl.disable.cache", "true"));
    assertThat(new Path(dir.toUri()).getFileSystem(plain).getClass().getName())
        .isEqualTo("org.apache.hadoop.fs.LocalFileSystem");
  }
}
