package io.sluice.oozie.e2e;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.oozie.local.LocalOozie;

/**
 * HDFS (MiniDFSCluster) + YARN (MiniYARNCluster) + Oozie (LocalOozie, the real server core with its
 * callback endpoint) in this JVM. Oozie launches java actions as YARN applications whose classpath is the
 * app's lib/ plus Oozie's launcher jars, not this JVM's classpath.
 */
final class OozieLocalCluster implements AutoCloseable {
  final MiniDFSCluster dfs;
  final MiniYARNCluster yarn;
  final Configuration conf;
  final Path home;

  OozieLocalCluster(Path home) throws Exception {
    this.home = home;
    String user = System.getProperty("user.name");
    Configuration c = new Configuration();
    c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, home.resolve("dfs").toString());
    c.setInt("dfs.replication", 1);
    c.setBoolean("dfs.permissions.enabled", false);
    // Oozie submits as the workflow's user through a proxy-user doAs, even when both are the same user.
    c.set("hadoop.proxyuser." + user + ".hosts", "*");
    c.set("hadoop.proxyuser." + user + ".groups", "*");
    dfs = new MiniDFSCluster.Builder(c).numDataNodes(1).format(true).build();
    dfs.waitActive();
    FileSystem fs = dfs.getFileSystem();
    // /user/USER/share/lib: Oozie's system lib path, where it puts its launcher jars at startup.
    for (String d : new String[] {"/tmp", "/user", "/user/" + user, "/user/" + user + "/share/lib"}) {
      fs.mkdirs(new org.apache.hadoop.fs.Path(d));
      fs.setPermission(new org.apache.hadoop.fs.Path(d), FsPermission.valueOf("drwxrwxrwx"));
    }
    YarnConfiguration yc = new YarnConfiguration(dfs.getConfiguration(0));
    yc.setInt(YarnConfiguration.NM_PMEM_MB, 6144);
    yc.setInt(YarnConfiguration.NM_VCORES, 4);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    yc.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    yc.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 99.9f);
    yc.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
    yarn = new MiniYARNCluster("sluice-oozie", 1, 1, 1);
    yarn.init(yc);
    yarn.start();
    conf = new Configuration(yarn.getConfig());
    conf.set("fs.defaultFS", dfs.getURI().toString());
    // MiniDFSCluster's rack mapping lives in Hadoop's test jar, which a real container does not have.
    conf.set("net.topology.node.switch.mapping.impl", "org.apache.hadoop.net.ScriptBasedMapping");
    startOozie(user);
  }

  private void startOozie(String user) throws IOException, Exception {
    Path confDir = Files.createDirectories(home.resolve("oozie/conf"));
    Path hadoopConf = Files.createDirectories(confDir.resolve("hadoop-conf"));
    Files.createDirectories(confDir.resolve("action-conf"));
    for (String f : new String[] {"core-site.xml", "yarn-site.xml"}) {
      try (OutputStream out = new FileOutputStream(hadoopConf.resolve(f).toFile())) {
        conf.writeXml(out);
      }
    }
    Configuration site = new Configuration(false);
    site.set("oozie.service.JPAService.create.db.schema", "true");
    site.set("oozie.service.JPAService.jdbc.driver", "org.apache.derby.jdbc.EmbeddedDriver");
    site.set("oozie.service.JPAService.jdbc.url", "jdbc:derby:" + home.resolve("oozie/db") + ";create=true");
    site.set("oozie.service.HadoopAccessorService.hadoop.configurations", "*=" + hadoopConf);
    // Copy the jars holding the launcher classes (LauncherAM etc.) to HDFS at startup, instead of a sharelib install.
    site.set("oozie.action.ship.launcher.jar", "true");
    site.set("oozie.service.WorkflowAppService.system.libpath", dfs.getURI() + "/user/" + user + "/share/lib");
    // The defaults poll every 60-300 s; a test wants seconds.
    site.set("oozie.service.CoordMaterializeTriggerService.lookup.interval", "5");
    site.set("oozie.service.CoordMaterializeTriggerService.scheduling.interval", "5");
    site.set("oozie.service.StatusTransitService.statusTransit.interval", "5");
    site.set("oozie.service.PauseTransitService.PauseTransit.interval", "5");
    site.set("oozie.service.RecoveryService.interval", "10");
    site.set("oozie.service.RecoveryService.coord.older.than", "10");
    site.set("oozie.service.RecoveryService.bundle.older.than", "10");
    site.set("oozie.service.RecoveryService.wf.actions.older.than", "10");
    site.set("oozie.service.ActionCheckerService.action.check.interval", "5");
    site.set("oozie.service.ActionCheckerService.action.check.delay", "5");
    site.set("oozie.service.CallableQueueService.queue.awaitTermination.timeout.seconds", "1");
    try (OutputStream out = new FileOutputStream(confDir.resolve("oozie-site.xml").toFile())) {
      site.writeXml(out);
    }
    System.setProperty("oozie.home.dir", home.resolve("oozie").toString());
    System.setProperty("oozie.config.dir", confDir.toString());
    System.setProperty("oozie.data.dir", home.resolve("oozie").toString());
    System.setProperty("oozie.log.dir", home.resolve("oozie").toString());
    System.setProperty("oozielocal.log", home.resolve("oozie/oozielocal.log").toString());
    LocalOozie.start();
  }

  /** The tail of every container's stdout/stderr (MiniYARNCluster keeps them under target/NAME), for failures. */
  String containerLogs() {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.walk(Path.of("target", "sluice-oozie").toAbsolutePath())) {
      s.filter(p -> p.getFileName().toString().equals("stderr") || p.getFileName().toString().equals("stdout"))
          .sorted().forEach(p -> {
            try {
              String t = Files.readString(p);
              sb.append("==== ").append(p).append('\n').append(t.length() > 4000 ? t.substring(t.length() - 4000) : t);
            } catch (IOException e) {
              sb.append("cannot read ").append(p).append('\n');
            }
          });
    } catch (IOException e) {
      sb.append("no container logs: ").append(e);
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      if (LocalOozie.isStarted()) {
        LocalOozie.stop();
      }
    } finally {
      yarn.stop();
      dfs.shutdown(true);
    }
  }
}
