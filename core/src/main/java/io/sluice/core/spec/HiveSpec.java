package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hive metastore sync after each commit, with Hudi's HiveSyncTool in {@code hms} mode.
 *
 * @param sync sync every table after each run; default true
 * @param database Hive database; default {@code default}
 * @param metastoreUris {@code thrift://host:9083[,...]}; empty (default) runs an in-process Derby
 *     metastore under {@code <work-dir>/metastore}, opening no port
 * @param properties passed to HiveConf as-is, e.g. {@code hive.metastore.sasl.enabled},
 *     {@code hive.metastore.kerberos.principal}
 */
public record HiveSpec(
    @JsonProperty("sync") Boolean sync,
    @JsonProperty("database") String database,
    @JsonProperty("metastore-uris") String metastoreUris,
    @JsonProperty("properties") Map<String, String> properties) {

  public static final HiveSpec DEFAULTS = new HiveSpec(null, null, null, null);

  public HiveSpec {
    sync = sync == null || sync;
    database = database == null ? "default" : database;
    metastoreUris = metastoreUris == null ? "" : metastoreUris.trim();
    properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  public boolean embedded() {
    return metastoreUris.isEmpty();
  }
}
