package io.sluice.upserts;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.IndexType;
import io.sluice.core.spec.TableType;
import io.sluice.upserts.write.ParallelWriteClient;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.config.HoodieMetadataConfig;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroPayload;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.timeline.TimelineUtils;
import org.apache.hudi.config.HoodieArchivalConfig;
import org.apache.hudi.config.HoodieCleanConfig;
import org.apache.hudi.config.HoodieCompactionConfig;
import org.apache.hudi.config.HoodieIndexConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.storage.StorageConfiguration;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;

/**
 * One Hudi table Sluice writes: its layout (key, ordering, partitions) and the write settings every
 * writer of it must share. Creates the table (version 6) on first use; user {@code hudi:} keys
 * override Sluice's defaults.
 */
public final class HudiTable {
  static {
    // Hudi sizes records with JOL, whose first use prints attach warnings to stdout, which would
    // corrupt --json output: initialise it once with stdout pointed at stderr.
    System.setProperty("jol.skipDynamicAttach", System.getProperty("jol.skipDynamicAttach", "true"));
    System.setProperty("jol.skipHotspotSAAttach", System.getProperty("jol.skipHotspotSAAttach", "true"));
    java.io.PrintStream out = System.out;
    System.setOut(System.err);
    try {
      Class.forName("org.openjdk.jol.vm.VM").getMethod("current").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      // JOL absent or unusable: Hudi falls back on its own estimates.
    } finally {
      System.setOut(out);
    }
  }

  private final Layout layout;
  private final Configuration conf;
  private final StorageConfiguration<Configuration> storageConf;
  private final Map<String, String> userProps;
  private final int writeThreads;

  /**
   * What identifies records and partitions in a table.
   *
   * @param name Hudi and Hive table name
   * @param basePath table base path URI
   * @param type COW or MOR
   * @param recordKeyFields key fields; a single field keys by its value, several by {@code f:v,f:v}
   * @param orderingField precombine field; the largest value wins
   * @param partitionFields hive-style partition columns, in path order
   * @param index index type
   */
  public record Layout(String name, String basePath, TableType type, List<String> recordKeyFields,
      String orderingField, List<String> partitionFields, IndexType index) {}

  public HudiTable(Layout layout, Configuration conf, Map<String, String> userProps) {
    this(layout, conf, userProps, Runtime.getRuntime().availableProcessors());
  }

  /** @param writeThreads file groups an upsert writes at once (Sluice's {@code table.write-threads}) */
  public HudiTable(Layout layout, Configuration conf, Map<String, String> userProps, int writeThreads) {
    this.layout = layout;
    this.conf = conf;
    this.storageConf = new HadoopStorageConfiguration(conf);
    this.userProps = userProps;
    this.writeThreads = writeThreads;
  }

  public Layout layout() {
    return layout;
  }

  public Configuration hadoopConf() {
    return conf;
  }

  public boolean exists() {
    try {
      Path props = new Path(layout.basePath(), ".hoodie/hoodie.properties");
      return props.getFileSystem(conf).exists(props);
    } catch (IOException e) {
      throw new SluiceException("cannot reach table " + layout.name() + " at " + layout.basePath() + ": " + e.getMessage(), e);
    }
  }

  /** Creates the table if it does not exist yet. */
  public void ensureExists(Schema schema) {
    if (exists()) {
      return;
    }
    try {
      FileSystem fs = new Path(layout.basePath()).getFileSystem(conf);
      fs.mkdirs(new Path(layout.basePath()));
      HoodieTableMetaClient.withPropertyBuilder()
          .setTableType(layout.type().hudiName())
          .setTableName(layout.name())
          .setTableCreateSchema(schema.toString())
          .setRecordKeyFields(String.join(",", layout.recordKeyFields()))
          .setPreCombineField(layout.orderingField())
          .setPartitionFields(String.join(",", layout.partitionFields()))
          .setPayloadClassName(DefaultHoodieRecordPayload.class.getName())
          .setKeyGeneratorClassProp(keyGeneratorClass())
          .setHiveStylePartitioningEnable(true)
          .setUrlEncodePartitioning(false)
          .setPopulateMetaFields(true)
          .setTimelineLayoutVersion(1)
          .initTable(storageConf, layout.basePath());
    } catch (IOException e) {
      throw new SluiceException("cannot create Hudi table " + layout.name() + " at " + layout.basePath() + ": " + e.getMessage(), e);
    }
  }

  private String keyGeneratorClass() {
    return layout.recordKeyFields().size() == 1 && layout.partitionFields().size() == 1
        ? "org.apache.hudi.keygen.SimpleAvroKeyGenerator"
        : "org.apache.hudi.keygen.ComplexAvroKeyGenerator";
  }

  public HoodieTableMetaClient metaClient() {
    return HoodieTableMetaClient.builder().setConf(storageConf.newInstance()).setBasePath(layout.basePath())
        .setLoadActiveTimelineOnLoad(true).build();
  }

  /** Sluice's defaults, then the user's {@code hudi:} keys. */
  public HoodieWriteConfig writeConfig(Schema schema) {
    Map<String, String> props = new HashMap<>();
    props.put("hoodie.datasource.write.recordkey.field", String.join(",", layout.recordKeyFields()));
    props.put("hoodie.datasource.write.partitionpath.field", String.join(",", layout.partitionFields()));
    props.put("hoodie.datasource.write.precombine.field", layout.orderingField());
    props.put("hoodie.payload.ordering.field", layout.orderingField());
    props.put("hoodie.datasource.write.hive_style_partitioning", "true");
    props.put("hoodie.datasource.write.keygenerator.class", keyGeneratorClass());
    props.put("hoodie.combine.before.upsert", "true");
    props.put("hoodie.combine.before.delete", "true");
    props.put("hoodie.parquet.compression.codec", "snappy");
    // The default sort mode NONE writes one file per record with the Java client, which
    // supports only NONE and GLOBAL_SORT.
    props.put("hoodie.bulkinsert.sort.mode", "GLOBAL_SORT");
    // Only global indexes use these: a key whose event date changed moves to its new partition.
    props.put("hoodie.bloom.index.update.partition.path", "true");
    props.put("hoodie.simple.index.update.partition.path", "true");
    // Mini-batches and late data make many small base files. Hudi's dynamic bloom filter starts at
    // num_entries (default 60000 at fpp 1e-9, ~430 KB per file) and adds a row of that size each time
    // the file outgrows it; a lookup tests every row. 10,000 at 1e-6 keeps a file of a few late events
    // at ~48 KB and a 100K-record file at 10 rows (at 1,000 it had 100, and the MOR upsert spent a
    // quarter of its time hashing keys): bench/run upsert and late-data.
    props.put("hoodie.bloom.index.filter.type", "DYNAMIC_V0");
    props.put("hoodie.index.bloom.num_entries", "10000");
    props.put("hoodie.index.bloom.fpp", "0.000001");
    // A merge keeps the file group's incoming records in a map that Hudi spills to disk (Kryo) past
    // this size, as estimated from a record's whole object graph: 8 KB for a batch record, which
    // holds its schema, so a 1 GB budget spilled after ~130K records. The batch holds them on the
    // heap anyway, so spilling saved no memory and cost 11% of the write threads in the end-to-end
    // batch. Compaction's limit (hoodie.memory.compaction.max.size) stays Hudi's: its records come
    // from log files and are nowhere else in memory.
    props.put("hoodie.memory.merge.max.size", String.valueOf(Runtime.getRuntime().maxMemory()));
    boolean mor = layout.type() == TableType.MOR;
    if (mor) {
      // Hudi 0.15.0's Java MOR upsert packs inserts into "small" base files even when the slice has
      // log files, writing a new base file without those logs: updates in the logs are lost. Sluice's
      // tests caught it; until fixed upstream, MOR inserts always open new file groups.
      props.put("hoodie.parquet.small.file.limit", "0");
      // That leaves a tiny file group per old day that late events touch, every batch. Inline clustering
      // merges a partition's smallest like-sized file slices (base and logs) every few commits, never
      // the day's big base file for a few late rows; records keep their _hoodie_commit_time, so
      // incremental reads see no change from it. Files of 100 MB and more (Hudi's small-file limit for
      // inserts) are big enough and left alone; Hudi's 30 groups per plan would leave the 31st touched
      // day of a 30-day late-data window out of every plan.
      props.put("hoodie.clustering.inline", "true");
      props.put("hoodie.clustering.inline.max.commits", "4");
      props.put("hoodie.clustering.plan.strategy.small.file.limit", String.valueOf(100L * 1024 * 1024));
      props.put("hoodie.clustering.plan.strategy.max.num.groups", "1000");
      props.put("hoodie.clustering.plan.strategy.class",
          io.sluice.upserts.write.SizeTieredClusteringPlanStrategy.class.getName());
      props.put("hoodie.clustering.execution.strategy.class",
          io.sluice.upserts.write.MergedSliceClusteringStrategy.class.getName());
      props.put("hoodie.clustering.plan.strategy.single.group.clustering.enabled", "false");
    }
    props.putAll(userProps);
    return HoodieWriteConfig.newBuilder()
        .withPath(layout.basePath())
        .forTable(layout.name())
        .withSchema(schema.toString())
        .withWritePayLoad(DefaultHoodieRecordPayload.class.getName())
        .withAutoCommit(false)
        .withEmbeddedTimelineServerEnabled(false)
        .withMarkersType("DIRECT")
        .withParallelism(2, 2)
        .withDeleteParallelism(2)
        .withIndexConfig(HoodieIndexConfig.newBuilder()
            .withIndexType(HoodieIndex.IndexType.valueOf(layout.index().name())).build())
        .withCleanConfig(HoodieCleanConfig.newBuilder().withAutoClean(true).retainCommits(10).build())
        .withArchivalConfig(HoodieArchivalConfig.newBuilder().archiveCommitsWith(20, 30).build())
        .withCompactionConfig(HoodieCompactionConfig.newBuilder()
            .withInlineCompaction(mor)
            .withMaxNumDeltaCommitsBeforeCompaction(5)
            .build())
        // The metadata table doubles start-up cost for small mini-batches; listing is cheap at this scale.
        .withMetadataConfig(HoodieMetadataConfig.newBuilder().enable(false).build())
        .withProps(props)
        .build();
  }

  /** A write client whose upserts write up to the table's write threads file groups at once. */
  public HoodieJavaWriteClient<HoodieAvroPayload> newWriteClient(Schema schema) {
    return new ParallelWriteClient<>(new HoodieJavaEngineContext(storageConf.newInstance()), writeConfig(schema),
        writeThreads);
  }

  /**
   * The value of an extra-metadata key from the newest completed commit that carries it; compaction,
   * clustering and cleaning commits carry none, so a plain look at the latest commit is not enough.
   */
  public Optional<String> latestCommitMetadata(String key) {
    if (!exists()) {
      return Optional.empty();
    }
    HoodieTimeline commits = metaClient().getCommitsTimeline().filterCompletedInstants();
    return commits.getReverseOrderedInstants()
        .map(i -> extraMetadata(commits, i).get(key))
        .filter(v -> v != null)
        .findFirst();
  }

  /**
   * Values of an extra-metadata key from completed commits after {@code sinceExclusive} (null: from
   * the first) up to {@code untilInclusive}, oldest first, keyed by instant.
   */
  public java.util.LinkedHashMap<String, String> commitMetadataBetween(String sinceExclusive, String untilInclusive,
                                                                        String key) {
    java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
    if (!exists()) {
      return out;
    }
    HoodieTimeline commits = metaClient().getCommitsTimeline().filterCompletedInstants();
    commits.getInstantsAsStream()
        .filter(i -> sinceExclusive == null || i.getTimestamp().compareTo(sinceExclusive) > 0)
        .filter(i -> untilInclusive == null || i.getTimestamp().compareTo(untilInclusive) <= 0)
        .forEach(i -> {
          String v = extraMetadata(commits, i).get(key);
          if (v != null) {
            out.put(i.getTimestamp(), v);
          }
        });
    return out;
  }

  static Map<String, String> extraMetadata(HoodieTimeline timeline, HoodieInstant instant) {
    try {
      HoodieCommitMetadata md = TimelineUtils.getCommitMetadata(instant, timeline);
      return md.getExtraMetadata();
    } catch (IOException e) {
      throw new SluiceException("cannot read commit metadata of " + instant + ": " + e.getMessage(), e);
    }
  }
}
