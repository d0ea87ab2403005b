package io.sluice.upserts;

import java.util.SortedSet;

/**
 * Outcome of one Hudi commit.
 *
 * @param instant the completed instant time
 * @param inserts records written as new keys
 * @param updates records that replaced an existing version
 * @param deletes keys deleted
 * @param partitions partition paths the commit wrote
 * @param bytesWritten bytes of base and log files written
 * @param writeMillis time spent writing data files
 * @param commitMillis time spent completing the commit and its table services
 */
public record CommitResult(String instant, long inserts, long updates, long deletes,
    SortedSet<String> partitions, long bytesWritten, long writeMillis, long commitMillis) {

  public long upserted() {
    return inserts + updates;
  }
}
