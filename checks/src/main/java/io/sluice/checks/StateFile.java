package io.sluice.checks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A small state file of the checks stage on any Hadoop file system, replaced atomically: written to a
 * hidden temporary file, then renamed over the old one, so a crash leaves the old or the new version.
 */
public final class StateFile {
  /** Reads a stream into a value. */
  public interface Reader<T> {
    T read(InputStream in) throws IOException;
  }

  /** Writes a value to a stream. */
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private StateFile() {}

  /** The file's content, or empty when it does not exist. */
  public static <T> Optional<T> read(Path file, Configuration conf, Reader<T> reader) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    if (!fs.exists(file)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(file)) {
      return Optional.of(reader.read(in));
    }
  }

  /** A small UTF-8 text file's content, or empty when it does not exist. */
  public static Optional<String> readText(Path file, Configuration conf) throws IOException {
    return read(file, conf, in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
  }

  public static void writeText(Path file, Configuration conf, String text) throws IOException {
    write(file, conf, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  public static void write(Path file, Configuration conf, Writer writer) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    fs.mkdirs(file.getParent());
    Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      writer.write(out);
    }
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("rename " + tmp + " -> " + file + " failed");
    }
  }
}
