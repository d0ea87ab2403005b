package io.sluice.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.util.HadoopConfs;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
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

    // A spec can still choose Hadoop's own.
    Configuration plain = HadoopConfs.of(Map.of("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem",
        "fs.file.impl.disable.cache", "true"));
    assertThat(new Path(dir.toUri()).getFileSystem(plain).getClass().getName())
        .isEqualTo("org.apache.hadoop.fs.LocalFileSystem");
  }
}
