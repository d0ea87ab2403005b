package io.sluice.upserts;

import io.sluice.core.CrashPoints;
import io.sluice.core.SluiceException;
import io.sluice.upserts.write.InMemoryPayload;
import io.sluice.upserts.write.InMemoryRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.common.model.HoodieAvroPayload;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieWriteStat;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.util.ClusteringUtils;
import org.apache.hudi.common.util.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts Avro records into a {@link HudiTable} as one commit. Versions of a key collapse to the one
 * with the largest ordering value, both within the batch and against the table; a record whose
 * {@code _hoodie_is_deleted} is true deletes its key. Extra metadata (e.g. a source checkpoint)
 * lands atomically with the data.
 */
public final class HudiWriter {
  private static final Logger LOG = LoggerFactory.getLogger(HudiWriter.class);

  private final HudiTable table;
  private final Schema schema;

  public HudiWriter(HudiTable table, Schema schema) {
    this.table = table;
    this.schema = schema;
  }

  /**
   * Writes and commits the records.
   *
   * @param crashPoint name passed to {@link CrashPoints#reach} between writing files and committing
   */
  public CommitResult upsert(List<GenericRecord> records, Map<String, String> extraMetadata, String crashPoint) {
    return write(records, () -> extraMetadata, crashPoint, false);
  }

  /**
   * Writes and commits the records, with commit metadata that is asked for only once the files are
   * written: the caller may still be computing it meanwhile.
   */
  public CommitResult upsert(List<GenericRecord> records, Supplier<Map<String, String>> extraMetadata, String crashPoint) {
    return write(records, extraMetadata, crashPoint, false);
  }

  /**
   * Writes records as new keys without looking them up (Hudi bulk insert, sorted per partition): for
   * initial loads and benchmarks, where the caller knows the keys are new.
   */
  public CommitResult bulkInsert(List<GenericRecord> records, Map<String, String> extraMetadata) {
    return write(records, () -> extraMetadata, null, true);
  }

  private CommitResult write(List<GenericRecord> records, Supplier<Map<String, String>> extraMetadata, String crashPoint,
      boolean bulk) {
    table.ensureExists(schema);
    List<HoodieRecord<HoodieAvroPayload>> hoodieRecords = toHoodieRecords(records);
    HoodieJavaWriteClient<HoodieAvroPayload> client = table.newWriteClient(schema);
    try {
      finishPendingClustering(client);
      // Rolls back instants a crashed writer left inflight (failed-writes policy EAGER).
      String instant = client.startCommit();
      long t0 = System.nanoTime();
      List<WriteStatus> statuses;
      if (hoodieRecords.isEmpty()) {
        // An all-quarantined batch still commits, so its checkpoint advances.
        client.transitionInflight(instant);
        statuses = List.of();
      } else {
        statuses = bulk ? client.bulkInsert((List) hoodieRecords, instant) : client.upsert((List) hoodieRecords, instant);
      }
      long errors = statuses.stream().mapToLong(WriteStatus::getTotalErrorRecords).sum();
      if (errors > 0) {
        String sample = statuses.stream().filter(WriteStatus::hasErrors)
            .map(s -> String.valueOf(s.getGlobalError() != null ? s.getGlobalError() : s.getErrors().values().stream().findFirst().orElse(null)))
            .findFirst().orElse("?");
        client.rollback(instant);
        throw new SluiceException(errors + " records failed to write to " + table.layout().name()
            + "; instant " + instant + " rolled back. First error: " + sample);
      }
      long t1 = System.nanoTime();
      CrashPoints.reach(crashPoint);
      boolean ok = client.commit(instant, statuses, Option.of(extraMetadata.get()));
      if (!ok) {
        throw new SluiceException("Hudi refused to commit instant " + instant + " on " + table.layout().name());
      }
      long t2 = System.nanoTime();
      CommitResult result = summarize(instant, statuses, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
      LOG.info("{}: committed {} ({} inserts, {} updates, {} deletes, {} partitions, {} bytes) in {} ms",
          table.layout().name(), instant, result.inserts(), result.updates(), result.deletes(),
          result.partitions().size(), result.bytesWritten(), result.writeMillis() + result.commitMillis());
      return result;
    } finally {
      client.close();
    }
  }

  /**
   * Completes clusterings a crashed writer left planned or half done. The Java client's writes do not
   * check for them: an update appended to a file group that a pending plan replaces would be dropped
   * when the plan runs.
   */
  private void finishPendingClustering(HoodieJavaWriteClient<HoodieAvroPayload> client) {
    HoodieTableMetaClient mc = table.metaClient();
    for (HoodieInstant i : mc.getActiveTimeline().filterPendingReplaceTimeline().getInstants()) {
      if (ClusteringUtils.getClusteringPlan(mc, i).isPresent()) {
        LOG.info("{}: finishing clustering {} left pending by an earlier run", table.layout().name(), i.getTimestamp());
        client.cluster(i.getTimestamp(), true);
      }
    }
  }

  private static CommitResult summarize(String instant, List<WriteStatus> statuses, long writeMs, long commitMs) {
    long ins = 0, upd = 0, del = 0, bytes = 0;
    TreeSet<String> parts = new TreeSet<>();
    for (WriteStatus s : statuses) {
      HoodieWriteStat st = s.getStat();
      ins += st.getNumInserts();
      upd += st.getNumUpdateWrites();
      del += st.getNumDeletes();
      bytes += st.getTotalWriteBytes();
      if (st.getPartitionPath() != null) {
        parts.add(st.getPartitionPath());
      }
    }
    return new CommitResult(instant, ins, upd, del, parts, bytes, writeMs, commitMs);
  }

  /** Hudi records in the input's order, built on the common fork-join pool. */
  List<HoodieRecord<HoodieAvroPayload>> toHoodieRecords(List<GenericRecord> records) {
    HudiTable.Layout l = table.layout();
    InMemoryPayload.Factory payloads = InMemoryPayload.factory(schema);
    HoodieRecord<HoodieAvroPayload>[] out = new HoodieRecord[records.size()];
    // A batch spans a few partitions: one path string each, not one per record that the batch then holds.
    Map<String, String> paths = new ConcurrentHashMap<>();
    IntStream.range(0, out.length).parallel().forEach(i -> {
      GenericRecord r = records.get(i);
      String path = partitionPath(r, l.partitionFields());
      HoodieKey key = new HoodieKey(recordKey(r, l.recordKeyFields()), paths.computeIfAbsent(path, p -> p));
      Comparable<?> ordering = ordering(r.get(l.orderingField()));
      out[i] = (HoodieRecord) new InMemoryRecord(key, payloads.of(r, ordering));
    });
    return Arrays.asList(out);
  }

  /** Record key as Hudi's Simple/Complex key generators would write it. */
  static String recordKey(GenericRecord r, List<String> fields) {
    if (fields.size() == 1) {
      return String.valueOf(requireNonNull(r, fields.get(0)));
    }
    StringBuilder sb = new StringBuilder();
    for (String f : fields) {
      if (sb.length() > 0) sb.append(',');
      sb.append(f).append(':').append(requireNonNull(r, f));
    }
    return sb.toString();
  }

  static String partitionPath(GenericRecord r, List<String> fields) {
    StringBuilder sb = new StringBuilder();
    for (String f : fields) {
      if (sb.length() > 0) sb.append('/');
      sb.append(f).append('=').append(requireNonNull(r, f));
    }
    return sb.toString();
  }

  private static Object requireNonNull(GenericRecord r, String field) {
    Object v = r.get(field);
    if (v == null) {
      throw new SluiceException("record has null '" + field + "', which is part of its key or partition: " + r);
    }
    return v;
  }

  private static Comparable<?> ordering(Object v) {
    if (v == null) {
      return 0L;
    }
    if (v instanceof Utf8 || v instanceof CharSequence) {
      return v.toString();
    }
    return (Comparable<?>) v;
  }
}
