package io.sluice.incremental;

import io.sluice.upserts.HudiTable;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * Keeps the last change set read, so the stages of one run that consume the same table and range
 * (metrics, then checks) read a batch's changes once. Ranges ending at "latest" ({@code until} null)
 * are never reused: latest may move between reads. Not thread-safe; one per pipeline run.
 */
public final class ChangeSetCache {
  private record Key(String basePath, Schema schema, String since, String until) {}

  private final boolean holds;
  private Key key;
  private ChangeSet value;

  /** A cache that keeps the last fixed range read. */
  public ChangeSetCache() {
    this(true);
  }

  private ChangeSetCache(boolean holds) {
    this.holds = holds;
  }

  /** A cache that keeps nothing: every read goes to the table. A stage's default when run on its own. */
  public static ChangeSetCache none() {
    return new ChangeSetCache(false);
  }

  /** The net changes of {@code table} over {@code (since, until]}, read or reused. */
  public ChangeSet read(HudiTable table, Schema schema, String since, String until) {
    Key k = new Key(table.layout().basePath(), schema, since, until);
    if (until != null && Objects.equals(k, key)) {
      return value;
    }
    ChangeSet cs = Changes.of(table, schema).since(since).until(until).read();
    boolean keep = holds && until != null;
    key = keep ? k : null;
    value = keep ? cs : null;
    return cs;
  }

  /** Drops the held change set, releasing its memory. */
  public void clear() {
    key = null;
    value = null;
  }
}
