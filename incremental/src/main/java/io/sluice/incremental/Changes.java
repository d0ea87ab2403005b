package io.sluice.incremental;

import io.sluice.upserts.HudiTable;
import io.sluice.upserts.SnapshotReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.avro.model.HoodieCleanMetadata;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieReplaceCommitMetadata;
import org.apache.hudi.common.model.HoodieWriteStat;
import org.apache.hudi.common.model.WriteOperationType;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.timeline.TimelineUtils;
import org.apache.hudi.common.util.CleanerUtils;
import org.apache.hudi.common.util.Option;
import io.sluice.core.SluiceException;
import io.sluice.core.util.OrderedReads;

/**
 * Incremental pull from a Hudi table. The instants in the range and the file groups they wrote come
 * from the timeline and commit metadata; only those file groups are read, as of both ends of the
 * range, and compared key by key. COW and MOR give the same answer.
 *
 * <pre>{@code
 * ChangeSet cs = Changes.of(table, schema).since("20240501120000000").read();
 * }</pre>
 */
public final class Changes implements IncrementalScan {
  private final HudiTable table;
  private final Schema schema;
  private final String since;
  private final String until;

  private Changes(HudiTable table, Schema schema, String since, String until) {
    this.table = table;
    this.schema = schema;
    this.since = since;
    this.until = until;
  }

  /** A scan of every change of the table; narrow it with {@link #since} and {@link #until}. */
  public static IncrementalScan of(HudiTable table, Schema schema) {
    return new Changes(table, schema, null, null);
  }

  @Override
  public IncrementalScan since(String instantExclusive) {
    return new Changes(table, schema, instantExclusive, until);
  }

  @Override
  public IncrementalScan until(String instantInclusive) {
    return new Changes(table, schema, since, instantInclusive);
  }

  @Override
  public ChangeSet read() {
    SnapshotReader reader = new SnapshotReader(table, schema);
    String end = until != null ? until : reader.latestInstant().orElse(null);
    if (end == null || (since != null && since.compareTo(end) >= 0)) {
      return new ChangeSet(since, end, List.of(), new TreeSet<>(), List.of(), new ScanMetrics(0, 0, 0, 0), Map.of());
    }
    HoodieTableMetaClient mc = reader.metaClient();
    HoodieTimeline commits = mc.getCommitsTimeline().filterCompletedInstants();
    checkAvailable(mc, commits);
    HoodieTimeline range = since == null
        ? commits.findInstantsBeforeOrEquals(end)
        : commits.findInstantsInRange(since, end);

    List<String> instants = new ArrayList<>();
    TreeSet<String> partitions = new TreeSet<>();
    FileGroupSets groups = new FileGroupSets();
    // File groups whose writes in the range include updates or deletes; in the others every changed
    // record is an insert and no key vanished, so their version as of `since` need not be read.
    Set<String> needBefore = new HashSet<>();
    // File groups a create handle started in the range: none of their records existed at `since`.
    Set<String> created = new HashSet<>();
    for (HoodieInstant i : range.getInstants()) {
      HoodieCommitMetadata md = metadata(i, commits);
      WriteOperationType op = md.getOperationType();
      if (op == WriteOperationType.COMPACT || op == WriteOperationType.LOG_COMPACT) {
        continue;   // rewrites file slices without changing any record
      }
      boolean clustering = op == WriteOperationType.CLUSTER;   // moves records, keeping their commit times
      if (!clustering) {
        instants.add(i.getTimestamp());
      }
      for (Map.Entry<String, List<HoodieWriteStat>> e : md.getPartitionToWriteStats().entrySet()) {
        for (HoodieWriteStat st : e.getValue()) {
          String fg = e.getKey() + '\0' + st.getFileId();
          groups.add(fg);
          if (!clustering) {
            partitions.add(e.getKey());
          }
          if (st.getNumUpdateWrites() > 0 || st.getNumDeletes() > 0) {
            needBefore.add(fg);
          }
          if (HoodieWriteStat.NULL_COMMIT.equals(st.getPrevCommit())) {
            created.add(fg);
          }
        }
      }
      // A replaced file group's records now live in the file groups this instant wrote in the same
      // partition: they are diffed as one, as of both ends, so moved records are neither lost nor new.
      if (md instanceof HoodieReplaceCommitMetadata replace) {
        for (Map.Entry<String, List<String>> e : replace.getPartitionToReplaceFileIds().entrySet()) {
          String partition = e.getKey();
          List<String> members = new ArrayList<>();
          e.getValue().forEach(id -> members.add(partition + '\0' + id));
          md.getPartitionToWriteStats().getOrDefault(partition, List.of())
              .forEach(st -> members.add(partition + '\0' + st.getFileId()));
          members.forEach(fg -> {
            groups.union(members.get(0), fg);
            needBefore.add(fg);
          });
          if (!clustering) {
            partitions.add(partition);
          }
        }
      }
    }

    // Sets of file groups are read and diffed side by side; their changes join in the sets' order. A
    // large insert-only file group (a batch's new file for today) is read in parts, one per reader,
    // which need no before images and so diff on their own.
    int threads = OrderedReads.DEFAULT_THREADS;
    List<SetPart> parts = new ArrayList<>();
    for (List<String> set : groups.sets()) {
      boolean before = since == null || set.stream().anyMatch(needBefore::contains);
      int n = 1;
      if (!before && set.size() == 1 && threads > 1) {
        String fg = set.get(0);
        long bytes = reader.baseFileOnlyBytes(fg.substring(0, fg.indexOf('\0')), fg.substring(fg.indexOf('\0') + 1), end);
        n = bytes >= splitBytes ? threads : 1;
      }
      // A file group created in the range and only inserted into: its read holds all of its records.
      String newGroup = !before && set.size() == 1 && created.contains(set.get(0)) ? set.get(0) : null;
      for (int i = 0; i < n; i++) {
        parts.add(new SetPart(set, before, i, n, newGroup));
      }
    }
    List<Change> changes = new ArrayList<>();
    Map<String, List<GenericRecord>> newFileGroups = new LinkedHashMap<>();
    long[] totals = new long[3];
    OrderedReads.inOrder(parts, threads, p -> {
      List<String> set = p.set();
      String partition = set.get(0).substring(0, set.get(0).indexOf('\0'));
      boolean before = p.before();
      if (p.parts() > 1) {
        String fileId = set.get(0).substring(set.get(0).indexOf('\0') + 1);
        SnapshotReader.SliceRead after = reader.readFileGroup(partition, fileId, end, since, p.part(), p.parts());
        List<Change> out = new ArrayList<>();
        diff(partition, List.of(), after.records(), end, out, false);
        return new FileGroupChanges(out, after.files(), after.bytes(), after.records().size(), p.newFileGroup(),
            after.records());
      }
      List<GenericRecord> beforeRecords = new ArrayList<>();
      List<GenericRecord> afterRecords = new ArrayList<>();
      int files = 0;
      long bytes = 0;
      for (String fg : set) {
        String fileId = fg.substring(fg.indexOf('\0') + 1);
        // Insert-only file groups: only rows written in the range are wanted, and Parquet can skip the rest.
        SnapshotReader.SliceRead after = before
            ? reader.readFileGroup(partition, fileId, end) : reader.readFileGroup(partition, fileId, end, since);
        SnapshotReader.SliceRead then = since == null || !before
            ? new SnapshotReader.SliceRead(List.of(), 0, 0) : reader.readFileGroup(partition, fileId, since);
        afterRecords.addAll(after.records());
        beforeRecords.addAll(then.records());
        files += after.files() + then.files();
        bytes += after.bytes() + then.bytes();
      }
      List<Change> out = new ArrayList<>();
      diff(partition, beforeRecords, afterRecords, end, out, before);
      return new FileGroupChanges(out, files, bytes, afterRecords.size() + beforeRecords.size(), p.newFileGroup(),
          afterRecords);
    }, c -> {
      changes.addAll(c.changes());
      if (c.newFileGroup() != null) {
        newFileGroups.computeIfAbsent(c.newFileGroup(), k -> new ArrayList<>()).addAll(c.after());
      }
      totals[0] += c.files();
      totals[1] += c.bytes();
      totals[2] += c.records();
    });
    int files = (int) totals[0];
    long bytes = totals[1];
    long records = totals[2];
    return new ChangeSet(since, end, List.copyOf(instants), partitions, List.copyOf(changes),
        new ScanMetrics(groups.size(), files, bytes, records), Collections.unmodifiableMap(newFileGroups));
  }

  /** File groups ({@code partition \0 fileId}) in first-seen order, joined into sets by union-find. */
  private static final class FileGroupSets {
    private final Map<String, String> parent = new LinkedHashMap<>();

    void add(String fg) {
      parent.putIfAbsent(fg, fg);
    }

    void union(String a, String b) {
      add(a);
      add(b);
      String ra = root(a);
      String rb = root(b);
      if (!ra.equals(rb)) {
        parent.put(rb, ra);
      }
    }

    private String root(String fg) {
      String r = fg;
      while (!parent.get(r).equals(r)) {
        r = parent.get(r);
      }
      return r;
    }

    int size() {
      return parent.size();
    }

    List<List<String>> sets() {
      Map<String, List<String>> byRoot = new LinkedHashMap<>();
      parent.keySet().forEach(fg -> byRoot.computeIfAbsent(root(fg), k -> new ArrayList<>()).add(fg));
      return List.copyOf(byRoot.values());
    }
  }

  /** A set part's changes; {@code newFileGroup} names a file group created in the range, all of whose records are in {@code after}. */
  private record FileGroupChanges(List<Change> changes, int files, long bytes, long records, String newFileGroup,
      List<GenericRecord> after) {}

  /**
   * Part {@code part} of {@code parts} of a set of file groups to read and diff; {@code newFileGroup}
   * names the set's one file group when it was created in the range and only inserted into.
   */
  private record SetPart(List<String> set, boolean before, int part, int parts, String newFileGroup) {}

  /** Insert-only file groups from this size up are read in parts on all readers (tests lower it). */
  static volatile long splitBytes = 32L * 1024 * 1024;

  private void diff(String partition, List<GenericRecord> before, List<GenericRecord> after, String end, List<Change> out,
      boolean beforeRead) {
    Map<String, GenericRecord> old = new HashMap<>(before.size() * 2);
    for (GenericRecord r : before) {
      old.put(key(r), r);
    }
    for (GenericRecord r : after) {
      String k = key(r);
      GenericRecord prev = old.remove(k);
      String written = r.get(HoodieRecord.COMMIT_TIME_METADATA_FIELD).toString();
      boolean inRange = (since == null || written.compareTo(since) > 0) && written.compareTo(end) <= 0;
      if (prev == null) {
        if (beforeRead || inRange) {
          out.add(new Change(Change.Op.INSERT, k, partition, null, r, written));
        }
      } else if (inRange) {
        out.add(new Change(Change.Op.UPDATE, k, partition, prev, r, written));
      }
    }
    for (Map.Entry<String, GenericRecord> gone : old.entrySet()) {
      out.add(new Change(Change.Op.DELETE, gone.getKey(), partition, gone.getValue(), null, end));
    }
  }

  private static String key(GenericRecord r) {
    return r.get(HoodieRecord.RECORD_KEY_METADATA_FIELD).toString();
  }

  /** Fails when the start is archived or the file versions as of the start were cleaned. */
  private void checkAvailable(HoodieTableMetaClient mc, HoodieTimeline commits) {
    if (since == null) {
      if (mc.getArchivedTimeline().getInstants().stream().anyMatch(i -> true)) {
        throw new RangeUnavailableException(table.layout().name(), "the beginning", "early commits are archived");
      }
      return;
    }
    if (commits.isBeforeTimelineStarts(since)) {
      throw new RangeUnavailableException(table.layout().name(), since, "that instant is archived");
    }
    Option<HoodieInstant> lastClean = mc.getActiveTimeline().getCleanerTimeline().filterCompletedInstants().lastInstant();
    if (lastClean.isPresent()) {
      try {
        HoodieCleanMetadata clean = CleanerUtils.getCleanerMetadata(mc, lastClean.get());
        String retain = clean.getEarliestCommitToRetain();
        if (retain != null && !retain.isEmpty() && since.compareTo(retain) < 0) {
          throw new RangeUnavailableException(table.layout().name(), since,
              "file versions older than " + retain + " were cleaned");
        }
      } catch (IOException e) {
        throw new SluiceException("cannot read clean metadata of " + table.layout().name() + ": " + e.getMessage(), e);
      }
    }
  }

  private static HoodieCommitMetadata metadata(HoodieInstant i, HoodieTimeline timeline) {
    try {
      return TimelineUtils.getCommitMetadata(i, timeline);
    } catch (IOException e) {
      throw new SluiceException("cannot read commit metadata of " + i + ": " + e.getMessage(), e);
    }
  }
}
