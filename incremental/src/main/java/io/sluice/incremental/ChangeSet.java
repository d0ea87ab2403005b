package io.sluice.incremental;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.avro.generic.GenericRecord;

/**
 * The net changes of a table over the instants in {@code (since, until]}.
 *
 * @param since exclusive start; null means from the table's beginning
 * @param until inclusive end; null only when the table has no commits
 * @param instants the completed write instants in the range, oldest first (compactions excluded)
 * @param partitions partition paths those instants wrote
 * @param newFileGroups file groups created within the range ({@code partition + '\0' + fileId}) with every
 *     record they hold at {@code until}, the after-images of their inserts: a read as of {@code until} can take
 *     them from here instead of from storage
 */
public record ChangeSet(String since, String until, List<String> instants, SortedSet<String> partitions,
    List<Change> changes, ScanMetrics metrics, Map<String, List<GenericRecord>> newFileGroups) {

  public boolean isEmpty() {
    return instants.isEmpty();
  }

  public long count(Change.Op op) {
    return changes.stream().filter(c -> c.op() == op).count();
  }
}
