package io.sluice.hive;

import io.sluice.core.spec.HiveSpec;
import io.sluice.core.spec.PipelineSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.hive.HiveSyncTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers every table of a pipeline in the Hive metastore, and its new partitions and schema
 * changes, with Hudi's own {@link HiveSyncTool} in {@code hms} mode. A table that fails to sync is
 * reported and marked pending (a marker file in {@code <work-dir>/sync}); it never fails or undoes
 * the data commit, and the next run syncs it again.
 */
public final class MetastoreSync {
  private static final Logger LOG = LoggerFactory.getLogger(MetastoreSync.class);

  /** The outcome per Hive table name: null when synced, else why not. */
  public record Report(Map<String, String> tables, long millis) {
    public boolean ok() {
      return tables.values().stream().allMatch(v -> v == null);
    }

    public List<String> failed() {
      return tables.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
    }
  }

  private final PipelineSpec spec;
  private final Configuration conf;

  public MetastoreSync(PipelineSpec spec, Configuration conf) {
    this.spec = spec;
    this.conf = conf;
  }

  /** Syncs every table that exists; returns what happened to each. */
  public Report syncAll() {
    io.sluice.core.CrashPoints.reach(io.sluice.core.CrashPoints.SYNC_STARTED);
    long t = System.nanoTime();
    Map<String, String> out = new LinkedHashMap<>();
    for (HiveTable table : PipelineTables.of(spec, conf)) {
      if (!exists(table)) {
        continue;
      }
      String error = null;
      try {
        sync(table);
        clearPending(table);
      } catch (Exception | LinkageError e) {
        error = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("{}: metastore sync of {} failed; the data is committed and the next run retries: {}", spec.name(),
            table.name(), error, e);
        markPending(table, error);
      }
      out.put(table.name(), error);
    }
    Report r = new Report(out, (System.nanoTime() - t) / 1_000_000);
    LOG.info("{}: metastore sync of {} tables in {} ms{}", spec.name(), out.size(), r.millis(),
        r.ok() ? "" : "; failed: " + r.failed());
    return r;
  }

  /** Tables whose last sync failed, with the reason. */
  public Map<String, String> pending() {
    Map<String, String> out = new LinkedHashMap<>();
    for (HiveTable table : PipelineTables.of(spec, conf)) {
      Path marker = marker(table);
      try {
        FileSystem fs = marker.getFileSystem(conf);
        if (fs.exists(marker)) {
          try (var in = fs.open(marker)) {
            out.put(table.name(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
          }
        }
      } catch (IOException e) {
        out.put(table.name(), "unknown (" + e.getMessage() + ")");
      }
    }
    return out;
  }

  private boolean exists(HiveTable table) {
    try {
      Path props = new Path(table.basePath(), ".hoodie/hoodie.properties");
      return props.getFileSystem(conf).exists(props);
    } catch (IOException e) {
      return false;
    }
  }

  private void sync(HiveTable table) {
    Properties p = new Properties();
    HiveSpec hive = spec.hive();
    p.setProperty("hoodie.datasource.hive_sync.mode", "hms");
    p.setProperty("hoodie.datasource.hive_sync.database", hive.database());
    p.setProperty("hoodie.datasource.hive_sync.table", table.name());
    p.setProperty("hoodie.datasource.meta.sync.base.path", table.basePath());
    p.setProperty("hoodie.datasource.hive_sync.partition_fields", String.join(",", table.partitionColumns()));
    p.setProperty("hoodie.datasource.hive_sync.partition_extractor_class", "org.apache.hudi.hive.MultiPartKeysValueExtractor");
    p.setProperty("hoodie.datasource.hive_sync.support_timestamp", "true");
    p.setProperty("hoodie.datasource.hive_sync.metastore.uris", hive.metastoreUris());
    p.setProperty("hoodie.datasource.hive_sync.create_managed_table", "false");
    p.setProperty("hoodie.datasource.hive_sync.skip_ro_suffix", "false");
    try (HiveSyncTool tool = new HiveSyncTool(p, hiveConf())) {
      tool.syncHoodieTable();
    }
  }

  /** Hadoop conf plus the metastore settings: the spec's properties, and Derby under the work dir when embedded. */
  Configuration hiveConf() {
    Configuration c = new Configuration(conf);
    HiveSpec hive = spec.hive();
    if (hive.embedded()) {
      String dir = localDir("metastore");
      c.set("javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + dir + "/metastore_db;create=true");
      c.set("javax.jdo.option.ConnectionDriverName", "org.apache.derby.jdbc.EmbeddedDriver");
      c.set("hive.metastore.warehouse.dir", spec.workDir() + "/metastore/warehouse");
      c.set("datanucleus.schema.autoCreateAll", "true");
      c.set("datanucleus.schema.autoCreateTables", "true");
      c.set("datanucleus.schema.autoCreateColumns", "true");
      c.set("datanucleus.autoCreateSchema", "true");
      c.set("hive.metastore.schema.verification.record.version", "false");
      c.set("hive.hmshandler.retry.attempts", "2");
      // Every sync opens an in-process metastore client; pooled Derby connections are not given back
      // when it closes, so a long-running JVM would exhaust a pool. Plain connections are cheap on Derby.
      c.set("datanucleus.connectionPoolingType", "None");
      c.set("hive.metastore.schema.verification", "false");
      c.set("metastore.schema.verification", "false");
      // The direct-SQL self-test runs before DataNucleus creates a new Derby schema, so it failed with a
      // 150-line WARN on every first run; a laptop's metastore is small enough for plain JDO queries.
      c.set("hive.metastore.try.direct.sql", "false");
      c.set("metastore.try.direct.sql", "false");
      c.set("hive.metastore.uris", "");
      System.setProperty("derby.stream.error.file", dir + "/derby.log");
    } else {
      c.set("hive.metastore.uris", hive.metastoreUris());
    }
    hive.properties().forEach(c::set);
    if (hive.embedded()) {
      // HiveSyncTool builds its HiveConf from scratch and adds ours as a resource; HiveConf's own
      // initialisation wins over resources for the metastore's schema settings, system properties win over it.
      for (String k : new String[] {"javax.jdo.option.ConnectionURL", "javax.jdo.option.ConnectionDriverName",
          "datanucleus.schema.autoCreateAll", "hive.metastore.schema.verification", "metastore.schema.verification",
          "hive.metastore.warehouse.dir", "datanucleus.connectionPoolingType", "hive.metastore.try.direct.sql",
          "metastore.try.direct.sql"}) {
        System.setProperty(k, c.get(k));
      }
    }
    return c;
  }

  /**
   * A local directory for the embedded metastore: Derby needs a local path. For a work dir on HDFS
   * it is a temporary directory named after the work dir, so two pipelines never share one.
   */
  private String localDir(String name) {
    String base = spec.workDir().startsWith("file:") ? new Path(spec.workDir()).toUri().getPath()
        : System.getProperty("java.io.tmpdir") + "/sluice-" + spec.name() + "-"
            + Integer.toHexString(spec.workDir().hashCode());
    java.io.File d = new java.io.File(base, name);
    d.mkdirs();
    return d.getAbsolutePath();
  }

  private Path marker(HiveTable table) {
    return new Path(spec.workDir() + "/sync/" + table.name() + ".pending");
  }

  private void markPending(HiveTable table, String why) {
    Path m = marker(table);
    try (var out = m.getFileSystem(conf).create(m, true)) {
      out.write(why.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("cannot mark {} as pending sync: {}", table.name(), e.getMessage());
    }
  }

  private void clearPending(HiveTable table) throws IOException {
    Path m = marker(table);
    m.getFileSystem(conf).delete(m, false);
  }

  static List<String> names(List<HiveTable> tables) {
    List<String> out = new ArrayList<>();
    tables.forEach(t -> out.addAll(HiveDdl.hiveNames(t)));
    return out;
  }
}
