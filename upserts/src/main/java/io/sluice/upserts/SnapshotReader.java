package io.sluice.upserts;

import io.sluice.core.SluiceException;
import io.sluice.core.util.DaemonThreads;
import io.sluice.core.util.OrderedReads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
  /** Records handed to a folding thread at a time. */
  private static final int FOLD_CHUNK = 8192;
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
   * Folds the records of the given partitions (all when null) as they were at instant {@code asOf}
   * into one accumulator per folding thread, then hands each accumulator to {@code combine} on the
   * caller's thread. Records are folded in chunks while their slice is still being read, so the
   * per-record work runs beside Parquet decoding even when one large file holds most of the records;
   * an accumulator sees records in no particular order. With {@code fields} (null: all), records
   * of plain base files carry only those fields, which Parquet then does not decode; records of
   * slices with log files carry all. Read fields by name. File groups in {@code held} (keyed
   * {@code partition + '\0' + fileId}, with all their records as of {@code asOf}, e.g. those an
   * incremental read of the same range just read) are folded from there, not read again; they count as
   * records but not as files or bytes read.
   */
  @SuppressWarnings("unchecked")
  public <A> ReadStats fold(Collection<String> partitions, String asOf, Collection<String> fields,
                            Map<String, List<GenericRecord>> held,
                            Supplier<A> accumulator, BiConsumer<A, GenericRecord> add, Consumer<A> combine) {
    if (!open()) {
      return new ReadStats(0, 0, 0);
    }
    Projection projection = fields == null ? null : projection(fields);
    int threads = OrderedReads.DEFAULT_THREADS;
    Map<Thread, A> perThread = new ConcurrentHashMap<>();
    // Bounds the records read but not yet folded to a few chunks.
    Semaphore inFlight = new Semaphore(2 * threads);
    ExecutorService folders = DaemonThreads.pool(threads, "sluice-fold");
    List<Future<?>> folds = Collections.synchronizedList(new ArrayList<>());
    long[] totals = new long[3];
    try {
      OrderedReads.inOrder(slices(partitions, asOf), threads, s -> {
        List<GenericRecord>[] chunk = new List[] {new ArrayList<GenericRecord>(FOLD_CHUNK)};
        long[] n = {0};
        Runnable submit = () -> {
          List<GenericRecord> records = chunk[0];
          chunk[0] = new ArrayList<>(FOLD_CHUNK);
          try {
            inFlight.acquire();
          } catch (InterruptedException e) {
            // the read was cancelled (another slice failed): stop rather than wait for folds that will not run
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while folding " + table.layout().name(), e);
          }
          folds.add(folders.submit(() -> {
            try {
              A a = perThread.computeIfAbsent(Thread.currentThread(), t -> accumulator.get());
              records.forEach(r -> add.accept(a, r));
            } finally {
              inFlight.release();
            }
          }));
        };
        Consumer<GenericRecord> take = r -> {
          n[0]++;
          chunk[0].add(r);
          if (chunk[0].size() == FOLD_CHUNK) {
            submit.run();
          }
        };
        List<GenericRecord> inMemory = held.get(s.getLeft() + '\0' + s.getRight().getFileId());
        int files = 0;
        long bytes = 0;
        if (inMemory != null) {
          inMemory.forEach(take);
        } else {
          files = read(s.getRight(), s.getLeft(), asOf, null, projection, take);
          bytes = s.getRight().getTotalFileSize();
        }
        if (!chunk[0].isEmpty()) {
          submit.run();
        }
        return new long[] {n[0], files, bytes};
      }, done -> {
        for (int i = 0; i < 3; i++) {
          totals[i] += done[i];
        }
      });
      for (Future<?> f : folds) {
        OrderedReads.await(f);
      }
    } finally {
      folders.shutdownNow();
    }
    perThread.values().forEach(combine);
    return new ReadStats(totals[0], (int) totals[1], totals[2]);
  }

  /** A read schema of some of the table's fields, and the Parquet read configuration asking for only them. */
  private record Projection(Schema schema, org.apache.hadoop.conf.Configuration conf) {}

  private Projection projection(Collection<String> fields) {
    List<Schema.Field> kept = new ArrayList<>();
    for (Schema.Field f : readSchema.getFields()) {
      // the delete marker decides which records are live, so it is read whatever was asked for
      if (fields.contains(f.name()) || f.name().equals(HoodieRecord.HOODIE_IS_DELETED_FIELD)) {
        kept.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema projected = Schema.createRecord(readSchema.getName(), readSchema.getDoc(), readSchema.getNamespace(),
        false, kept);
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(baseFileConf);
    org.apache.parquet.avro.AvroReadSupport.setAvroReadSchema(conf, projected);
    org.apache.parquet.avro.AvroReadSupport.setRequestedProjection(conf, projected);
    return new Projection(projected, conf);
  }

  private List<Pair<String, FileSlice>> slices(Collection<String> partitions, String asOf) {
    List<Pair<String, FileSlice>> slices = new ArrayList<>();
    for (String p : partitions == null ? partitions() : partitions) {
      hoodieTable.getSliceView().getLatestMergedFileSlicesBeforeOrOn(p, asOf).forEach(s -> slices.add(Pair.of(p, s)));
    }
    return slices;
  }

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

  /**
   * The size of the file group's base file as of {@code asOf} when that is the whole slice (no log
   * files), so that it can be read in parts; -1 otherwise.
   */
  public long baseFileOnlyBytes(String partition, String fileId, String asOf) {
    return slice(partition, fileId, asOf)
        .filter(s -> s.getLogFiles().findAny().isEmpty() && s.getBaseFile().isPresent())
        .map(this::baseFileLength).orElse(-1L);
  }

  // Where the base file's last row group ends: the footer after it (Hudi keeps the bloom filter
  // there) would otherwise push every row group's middle into the first parts.
  private long dataLength(FileSlice slice) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(slice.getBaseFile().get().getPath());
    try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, baseFileConf))) {
      long end = 0;
      for (org.apache.parquet.hadoop.metadata.BlockMetaData b : r.getRowGroups()) {
        end = Math.max(end, b.getStartingPos() + b.getCompressedSize());
      }
      return end;
    } catch (IOException e) {
      throw new SluiceException("cannot read the footer of " + path + " of " + table.layout().name() + ": "
          + e.getMessage(), e);
    }
  }

  // A file view built from commit metadata may not know its files' sizes.
  private long baseFileLength(FileSlice slice) {
    long known = slice.getBaseFile().get().getFileSize();
    if (known > 0) {
      return known;
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(slice.getBaseFile().get().getPath());
    try {
      return path.getFileSystem(baseFileConf).getFileStatus(path).getLen();
    } catch (IOException e) {
      throw new SluiceException("cannot stat " + path + " of " + table.layout().name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Part {@code part} (from 0) of {@code parts} of {@link #readFileGroup(String, String, String, String)}:
   * the base file's row groups whose middle falls in that share of its bytes, so the parts together
   * hold each record once, in file order. A slice with log files is read whole as part 0. Files and
   * bytes are counted by part 0.
   */
  public SliceRead readFileGroup(String partition, String fileId, String asOf, String writtenAfter, int part, int parts) {
    Optional<FileSlice> found = slice(partition, fileId, asOf);
    if (found.isEmpty()) {
      return new SliceRead(List.of(), 0, 0);
    }
    FileSlice slice = found.get();
    if (parts <= 1 || slice.getBaseFile().isEmpty() || slice.getLogFiles().findAny().isPresent()) {
      return part == 0 ? read(slice, partition, asOf, writtenAfter) : new SliceRead(List.of(), 0, 0);
    }
    long length = dataLength(slice);
    List<GenericRecord> out = new ArrayList<>();
    readBaseFile(slice, committedAfter(writtenAfter), null, new long[] {length * part / parts, length * (part + 1) / parts},
        out::add);
    return new SliceRead(out, part == 0 ? 1 : 0, part == 0 ? slice.getTotalFileSize() : 0);
  }

  private static FilterCompat.Filter committedAfter(String writtenAfter) {
    return writtenAfter == null ? FilterCompat.NOOP : FilterCompat.get(FilterApi.gt(
        FilterApi.binaryColumn(HoodieRecord.COMMIT_TIME_METADATA_FIELD), Binary.fromString(writtenAfter)));
  }

  private SliceRead read(FileSlice slice, String partition, String asOf, String writtenAfter) {
    List<GenericRecord> out = new ArrayList<>();
    int files = read(slice, partition, asOf, writtenAfter, null, out::add);
    return new SliceRead(out, files, slice.getTotalFileSize());
  }

  /** Hands the slice's live records to {@code sink} as they are read; returns the number of files read. */
  private int read(FileSlice slice, String partition, String asOf, String writtenAfter, Projection projection,
                   Consumer<GenericRecord> out) {
    if (slice.getLogFiles().findAny().isEmpty() && slice.getBaseFile().isPresent()) {
      readBaseFile(slice, committedAfter(writtenAfter), projection, null, out);
      return 1;
    }
    // The merged handle skips log blocks written after asOf, so MOR slices read as of that instant.
    HoodieMergedReadHandle<?, ?, ?, ?> h = new HoodieMergedReadHandle<>(config, Option.of(asOf), (HoodieTable) hoodieTable,
        Pair.of(partition, slice.getFileId()), Option.of(slice));
    Properties props = config.getProps();
    for (HoodieRecord<?> r : h.getMergedRecords()) {
      try {
        r.toIndexedRecord(readSchema, props).ifPresent(ir -> {
          GenericRecord g = (GenericRecord) ir.getData();
          if (writtenAfter == null || g.get(HoodieRecord.COMMIT_TIME_METADATA_FIELD).toString().compareTo(writtenAfter) > 0) {
            out.accept(g);
          }
        });
      } catch (IOException e) {
        throw new SluiceException("cannot read record " + r.getRecordKey() + " of " + table.layout().name(), e);
      }
    }
    return (slice.getBaseFile().isPresent() ? 1 : 0) + (int) slice.getLogFiles().count();
  }

  /**
   * A slice without log files is its base file: read it straight with parquet-avro. The merged
   * handle would wrap every record in a payload (serialise to bytes, deserialise again), which was
   * over a third of a metrics recompute. Deleted markers are dropped as the payload would drop them.
   */
  private void readBaseFile(FileSlice slice, FilterCompat.Filter filter, Projection projection, long[] range,
                            Consumer<GenericRecord> out) {
    org.apache.hadoop.conf.Configuration conf = projection == null ? baseFileConf : projection.conf();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(slice.getBaseFile().get().getPath());
    Schema.Field deleted = (projection == null ? readSchema : projection.schema())
        .getField(HoodieRecord.HOODIE_IS_DELETED_FIELD);
    try {
      org.apache.parquet.hadoop.ParquetReader.Builder<GenericRecord> builder = org.apache.parquet.avro.AvroParquetReader
          .<GenericRecord>builder(org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, conf))
          .withDataModel(org.apache.avro.generic.GenericData.get()).withConf(conf).withFilter(filter);
      if (range != null) {
        builder = builder.withFileRange(range[0], range[1]);
      }
      try (org.apache.parquet.hadoop.ParquetReader<GenericRecord> r = builder.build()) {
        for (GenericRecord g = r.read(); g != null; g = r.read()) {
          if (deleted == null || !Boolean.TRUE.equals(g.get(deleted.pos()))) {
            out.accept(g);
          }
        }
      }
    } catch (IOException e) {
      throw new SluiceException("cannot read " + path + " of " + table.layout().name() + ": " + e.getMessage(), e);
    }
  }
}
