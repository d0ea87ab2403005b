package io.sluice.checks.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Appends each alert as one JSON line to a file on any Hadoop file system. */
final class JsonLinesAlertSink implements AlertSink {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String name;
  private final Path file;
  private final Configuration conf;

  JsonLinesAlertSink(String name, String uri, Configuration conf) {
    this.name = name;
    this.file = new Path(uri);
    this.conf = conf;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Alert a) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    if (fs instanceof ChecksumFileSystem checksummed) {
      fs = checksummed.getRawFileSystem();   // the local file system's checksum layer cannot append
    }
    byte[] line = (JSON.writeValueAsString(a) + "\n").getBytes(StandardCharsets.UTF_8);
    // Local and HDFS both support append once the file exists; create it on first use.
    fs.mkdirs(file.getParent());
    try (OutputStream out = fs.exists(file) ? fs.append(file) : fs.create(file, false)) {
      out.write(line);
    }
  }
}
