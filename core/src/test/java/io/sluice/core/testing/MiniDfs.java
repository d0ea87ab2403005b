package io.sluice.core.testing;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS (NameNode + DataNodes in this JVM) for one test class; start in @BeforeAll, close in @AfterAll. */
public final class MiniDfs implements AutoCloseable {
  private final MiniDFSCluster cluster;

  public MiniDfs(String name, int dataNodes) throws IOException {
    File base = new File("target/minidfs-" + name + "-" + System.nanoTime()).getAbsoluteFile();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getPath());
    conf.setInt("dfs.replication", Math.min(dataNodes, 2));
    conf.setBoolean("dfs.permissions.enabled", false);
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(dataNodes).format(true).build();
    cluster.waitActive();
  }

  /** {@code hdfs://localhost:PORT}. */
  public String uri() {
    return "hdfs://localhost:" + cluster.getNameNodePort();
  }

  public FileSystem fs() throws IOException {
    return cluster.getFileSystem();
  }

  public Configuration conf() {
    return cluster.getConfiguration(0);
  }

  public MiniDFSCluster cluster() {
    return cluster;
  }

  @Override
  public void close() {
    cluster.shutdown(true);
  }
}
