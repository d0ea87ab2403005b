package io.sluice.upserts.write;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecordLocation;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.common.util.collection.Pair;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.table.HoodieTable;
import org.apache.hudi.table.WorkloadProfile;
import org.apache.hudi.table.action.commit.BucketType;
import org.apache.hudi.table.action.commit.InsertBucket;
import org.apache.hudi.table.action.commit.InsertBucketCumulativeWeightPair;
import org.apache.hudi.table.action.commit.JavaUpsertPartitioner;

/**
 * Hudi's upsert partitioner with the same buckets, updates routed as Hudi routes them, and a
 * partition's new keys spread evenly over its new file groups. Hudi fills every new file group but
 * the last to its size limit (122,880 records of an estimated 1 KB each), so 198K new events became
 * files of 123K and 75K records, and the write threads waited on the larger; here each gets 99K.
 * Inserts into existing small files keep Hudi's share, which is the room left in them.
 *
 * <p>It also avoids Hudi's per-record cost for new keys: Hudi hashes each one with a new MD5
 * {@code MessageDigest} (over half a microsecond a key, on the single thread that routes a batch).
 * Here a key's place among the buckets comes from its {@code String} hash, mixed: as deterministic
 * and as even, so the shares are Hudi's, though not the same keys go to a small file. Partitions
 * with a single insert bucket (every old day that late events reach) are not hashed at all.
 */
final class UpsertBucketPartitioner<T> extends JavaUpsertPartitioner<T> {
  private static final VarHandle BUCKET_NUMBER = bucketNumberHandle();

  private final WorkloadProfile profile;
  private final Map<String, Targets> targets = new ConcurrentHashMap<>();

  /** A partition's insert buckets, their cumulative weights and its insert count. */
  private record Targets(int[] buckets, double[] cumulative, long inserts) {
  }

  UpsertBucketPartitioner(WorkloadProfile profile, HoodieEngineContext context, HoodieTable table,
                          HoodieWriteConfig config) {
    super(profile, context, table, config);
    this.profile = profile;
  }

  /** True when Hudi's insert bucket numbers can be read, so this partitioner can answer on its own. */
  static boolean available() {
    return BUCKET_NUMBER != null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public int getPartition(Object key) {
    Pair<HoodieKey, Option<HoodieRecordLocation>> keyLocation = (Pair<HoodieKey, Option<HoodieRecordLocation>>) key;
    if (keyLocation.getRight().isPresent() || BUCKET_NUMBER == null) {
      return super.getPartition(key);
    }
    String partitionPath = keyLocation.getLeft().getPartitionPath();
    Targets t = targets.computeIfAbsent(partitionPath, this::targets);
    if (t == null) {
      return super.getPartition(key);
    }
    int n = t.buckets.length;
    if (n == 1) {
      return t.buckets[0];
    }
    double r = 1.0 * Math.floorMod(mix(keyLocation.getLeft().getRecordKey().hashCode()), t.inserts) / t.inserts;
    int index = Arrays.binarySearch(t.cumulative, r);
    if (index >= 0) {
      return t.buckets[index];
    }
    return -index - 1 < n ? t.buckets[-index - 1] : t.buckets[0];
  }

  // MurmurHash3's 64-bit finalizer: spreads similar keys' hashes ("e1", "e2", ...) over the whole range.
  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private Targets targets(String partitionPath) {
    List<InsertBucketCumulativeWeightPair> pairs = getInsertBuckets(partitionPath);
    if (pairs == null || pairs.isEmpty()) {
      return null;
    }
    int n = pairs.size();
    int[] buckets = new int[n];
    double[] weights = new double[n];
    boolean[] newFile = new boolean[n];
    double newFileWeight = 0;
    int newFiles = 0;
    double previous = 0;
    for (int i = 0; i < n; i++) {
      buckets[i] = (int) BUCKET_NUMBER.get(pairs.get(i).getKey());
      weights[i] = pairs.get(i).getRight() - previous;
      previous = pairs.get(i).getRight();
      newFile[i] = getBucketInfo(buckets[i]).getBucketType() == BucketType.INSERT;
      if (newFile[i]) {
        newFileWeight += weights[i];
        newFiles++;
      }
    }
    double[] cumulative = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += newFile[i] ? newFileWeight / newFiles : weights[i];
      cumulative[i] = sum;
    }
    // Hudi's own total, so a key hashing past the last bucket falls back as it does in Hudi.
    cumulative[n - 1] = previous;
    return new Targets(buckets, cumulative, Math.max(1, profile.getWorkloadStat(partitionPath).getNumInserts()));
  }

  /** Hudi's estimate of a record's size in a base file of {@code table}, from its latest large enough commit. */
  static long averageBytesPerRecord(HoodieTable<?, ?, ?, ?> table) {
    return averageBytesPerRecord(table.getMetaClient().getActiveTimeline().getCommitAndReplaceTimeline()
        .filterCompletedInstants(), table.getConfig());
  }

  // InsertBucket's number is package-private in Hudi 0.15; without it, getPartition is Hudi's own.
  private static VarHandle bucketNumberHandle() {
    try {
      return MethodHandles.privateLookupIn(InsertBucket.class, MethodHandles.lookup())
          .findVarHandle(InsertBucket.class, "bucketNumber", int.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
