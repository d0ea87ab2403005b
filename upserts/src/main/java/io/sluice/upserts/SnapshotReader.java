package io.sluice.upserts;

import io.sluice.core.SluiceException;
import io.sluice.core.util.OrderedReads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.avro.HoodieAvroUtils;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.fs.FSUtils;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.common.util.collection.Pair;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.io.HoodieMergedReadHandle;
import org.apache.hudi.table.HoodieJavaTable;
import org.apache.hudi.table.HoodieTable;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.io.api.Binary;

/**
 * Reads committed state of a {@link HudiTable}, COW or MOR (base files merged with their logs):
 * the latest snapshot of some or all partitions, or one file group as of an instant. Records carry
 * Hudi's meta columns. One reader sees the timeline as it was when the reader was created.
 */
public final class SnapshotReader {
  private final HudiTable table;
  private final Schema schema;
  private HoodieTableMetaClient metaClient;
  private HoodieTable<?, ?, ?, ?> hoodieTable;
  private HoodieWriteConfig config;
  /** The table schema with Hudi's meta fields: what every read returns. */
  private final Schema readSchema;
  /** Hadoop configuration for reading base files straight with parquet-avro, built once per reader. */
  private org.apache.hadoop.conf.Configuration baseFileConf;

  /** What a scan read. */
  public record ReadStats(long records, int files, long bytes) {}

  /** Records of one file slice and what reading them cost. */
  public record SliceRead(List<GenericRecord> records, int files, long bytes) {}

  public SnapshotReader(HudiTable table, Schema schema) {
    this.table = table;
    this.schema = schema;
    this.readSchema = HoodieAvroUtils.addMetadataFields(schema);
  }

  private synchronized boolean open() {
    if (metaClient == null) {
      if (!table.exists()) {
        return false;
      }
      metaClient = table.metaClient();
      config = table.writeConfig(schema);
      hoodieTable = HoodieJavaTable.create(config, new HoodieJavaEngineContext(metaClient.getStorageConf()), metaClient);
      baseFileConf = new org.apache.hadoop.conf.Configuration(
          metaClient.getStorageConf().unwrapAs(org.apache.hadoop.conf.Configuration.class));
      org.apache.parquet.avro.AvroReadSupport.setAvroReadSchema(baseFileConf, readSchema);
      org.apache.parquet.avro.AvroReadSupport.setRequestedProjection(baseFileConf, readSchema);
    }
    return true;
  }

  /** The meta client this reader's view is built on. */
  public HoodieTableMetaClient metaClient() {
    if (!open()) {
      throw new SluiceException("table " + table.layout().name() + " does not exist at " + table.layout().basePath());
    }
    return metaClient;
  }

  /** Relative partition paths of the table, e.g. {@code dt=2024-05-01}. */
  public List<String> partitions() {
    if (!open()) {
      return List.of();
    }
    return FSUtils.getAllPartitionPaths(new HoodieJavaEngineContext(metaClient.getStorageConf()), metaClient.getStorage(),
        table.layout().basePath(), false, false);
  }

  /** The latest completed instant, if any. */
  public Optional<String> latestInstant() {
    if (!open()) {
      return Optional.empty();
    }
    Option<HoodieInstant> last = metaClient.getCommitsTimeline().filterCompletedInstants().lastInstant();
    return last.isPresent() ? Optional.of(last.get().getTimestamp()) : Optional.empty();
  }

  /** Every live record of the given partitions; all partitions when {@code partitions} is null. */
  public List<GenericRecord> read(Collection<String> partitions) {
    List<GenericRecord> out = new ArrayList<>();
    forEach(partitions, out::add);
    return out;
  }

  /**
   * Streams the live records of the given partitions (all when null) one file slice at a time, so
   * memory holds a few slices (those read ahead in parallel), not the table.
   */
  public ReadStats forEach(Collection<String> partitions, java.util.function.Consumer<GenericRecord> sink) {
    Optional<String> last = latestInstant();
    return last.isEmpty() ? new ReadStats(0, 0, 0) : forEach(partitions, last.get(), sink);
  }

  /**
   * Streams the records of the given partitions (all when null) as they were at instant {@code asOf},
   * one file slice at a time. The file versions of that instant must not be cleaned yet (the latest
   * instant's never are): a reader pinned to an instant sees exactly that commit even while writers go on.
   */
  public ReadStats forEach(Collection<String> partitions, String asOf, java.util.function.Consumer<GenericRecord> sink) {
    if (!open()) {
      return new ReadStats(0, 0, 0);
    }
    long[] totals = new long[3];
    OrderedReads.inOrder(slices(partitions, asOf), OrderedReads.DEFAULT_THREADS,
        s -> read(s.getRight(), s.getLeft(), asOf, null), r -> {
          r.records().forEach(sink);
          count(totals, r);
        });
    return new ReadStats(totals[0], (int) totals[1], totals[2]);
  }

  /**
   * Folds the records of the given partitions (all when null) as they were at instant {@code asOf}:
   * each file slice is read and folded into a fresh accumulator on a read thread, and the caller's
   * thread combines the accumulators in slice order. For aggregations whose per-record work would
   * otherwise run on the caller's thread alone.
   */
  public <A> ReadStats fold(Collection<String> partitions, String asOf, Supplier<A> accumulator,
                            BiConsumer<A, GenericRecord> add, Consumer<A> combine) {
    if (!open()) {
      return new ReadStats(0, 0, 0);
    }
    long[] totals = new long[3];
    OrderedReads.inOrder(slices(partitions, asOf), OrderedReads.DEFAULT_THREADS, s -> {
      SliceRead r = read(s.getRight(), s.getLeft(), asOf, null);
      A a = accumulator.get();
      r.records().forEach(rec -> add.accept(a, rec));
      return new Folded<>(a, r.records().size(), r.files(), r.bytes());
    }, done -> {
      combine.accept(done.acc());
      totals[0] += done.records();
      totals[1] += done.files();
      totals[2] += done.bytes();
    });
    return new ReadStats(totals[0], (int) totals[1], totals[2]);
  }

  private List<Pair<String, FileSlice>> slices(Collection<String> partitions, String asOf) {
    List<Pair<String, FileSlice>> slices = new ArrayList<>();
    for (String p : partitions == null ? partitions() : partitions) {
      hoodieTable.getSliceView().getLatestMergedFileSlicesBeforeOrOn(p, asOf).forEach(s -> slices.add(Pair.of(p, s)));
    }
    return slices;
  }

  private record Folded<A>(A acc, long records, int files, long bytes) {}

  private static void count(long[] totals, SliceRead r) {
    totals[0] += r.records().size();
    totals[1] += r.files();
    totals[2] += r.bytes();
  }

  /** One file group's live records as of {@code asOf}; empty when it had no committed slice then. */
  public SliceRead readFileGroup(String partition, String fileId, String asOf) {
    return readFileGroup(partition, fileId, asOf, null);
  }

  private Optional<FileSlice> slice(String partition, String fileId, String asOf) {
    if (!open()) {
      return Optional.empty();
    }
    return hoodieTable.getSliceView().getLatestMergedFileSlicesBeforeOrOn(partition, asOf)
        .filter(s -> s.getFileId().equals(fileId)).findFirst();
  }

  /**
   * The records of one file group as of {@code asOf} that were written after {@code writtenAfter}
   * (by {@code _hoodie_commit_time}). A plain base file is read with that predicate pushed into
   * Parquet, so pages and records of older commits are skipped rather than assembled: a COW file
   * group that took a few late inserts is rewritten whole, but only the new rows are wanted. A null
   * {@code writtenAfter} keeps every record.
   */
  public SliceRead readFileGroup(String partition, String fileId, String asOf, String writtenAfter) {
    return slice(partition, fileId, asOf).map(s -> read(s, partition, asOf, writtenAfter))
        .orElse(new SliceRead(List.of(), 0, 0));
  }

  private SliceRead read(FileSlice slice, String partition, String asOf, String writtenAfter) {
    if (slice.getLogFiles().findAny().isEmpty() && slice.getBaseFile().isPresent()) {
      return readBaseFile(slice, writtenAfter == null ? FilterCompat.NOOP : FilterCompat.get(FilterApi.gt(
          FilterApi.binaryColumn(HoodieRecord.COMMIT_TIME_METADATA_FIELD), Binary.fromString(writtenAfter))));
    }
    // The merged handle skips log blocks written after asOf, so MOR slices read as of that instant.
    HoodieMergedReadHandle<?, ?, ?, ?> h = new HoodieMergedReadHandle<>(config, Option.of(asOf), (HoodieTable) hoodieTable,
        Pair.of(partition, slice.getFileId()), Option.of(slice));
    Properties props = config.getProps();
    List<GenericRecord> out = new ArrayList<>();
    for (HoodieRecord<?> r : h.getMergedRecords()) {
      try {
        r.toIndexedRecord(readSchema, props).ifPresent(ir -> {
          GenericRecord g = (GenericRecord) ir.getData();
          if (writtenAfter == null || g.get(HoodieRecord.COMMIT_TIME_METADATA_FIELD).toString().compareTo(writtenAfter) > 0) {
            out.add(g);
          }
        });
      } catch (IOException e) {
        throw new SluiceException("cannot read record " + r.getRecordKey() + " of " + table.layout().name(), e);
      }
    }
    int files = (slice.getBaseFile().isPresent() ? 1 : 0) + (int) slice.getLogFiles().count();
    return new SliceRead(out, files, slice.getTotalFileSize());
  }

  /**
   * A slice without log files is its base file: read it straight with parquet-avro. The merged
   * handle would wrap every record in a payload (serialise to bytes, deserialise again), which was
   * over a third of a metrics recompute. Deleted markers are dropped as the payload would drop them.
   */
  private SliceRead readBaseFile(FileSlice slice, FilterCompat.Filter filter) {
    org.apache.hadoop.conf.Configuration conf = baseFileConf;
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(slice.getBaseFile().get().getPath());
    Schema.Field deleted = readSchema.getField(HoodieRecord.HOODIE_IS_DELETED_FIELD);
    List<GenericRecord> out = new ArrayList<>();
    try (org.apache.parquet.hadoop.ParquetReader<GenericRecord> r = org.apache.parquet.avro.AvroParquetReader
        .<GenericRecord>builder(org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, conf))
        .withDataModel(org.apache.avro.generic.GenericData.get()).withConf(conf).withFilter(filter).build()) {
      for (GenericRecord g = r.read(); g != null; g = r.read()) {
        if (deleted == null || !Boolean.TRUE.equals(g.get(deleted.pos()))) {
          out.add(g);
        }
      }
    } catch (IOException e) {
      throw new SluiceException("cannot read " + path + " of " + table.layout().name() + ": " + e.getMessage(), e);
    }
    return new SliceRead(out, 1, slice.getTotalFileSize());
  }
}
