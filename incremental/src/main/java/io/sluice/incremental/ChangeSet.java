package io.sluice.incremental;

import java.util.List;
import java.util.SortedSet;

/**
 * The net changes of a table over the instants in {@code (since, until]}.
 *
 * @param since exclusive start; null means from the table's beginning
 * @param until inclusive end; null only when the table has no commits
 * @param instants the completed write instants in the range, oldest first (compactions excluded)
 * @param partitions partition paths those instants wrote
 */
public record ChangeSet(String since, String until, List<String> instants, SortedSet<String> partitions,
    List<Change> changes, ScanMetrics metrics) {

  public boolean isEmpty() {
    return instants.isEmpty();
  }

  public long count(Change.Op op) {
    return changes.stream().filter(c -> c.op() == op).count();
  }
}
