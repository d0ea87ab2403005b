package io.sluice.incremental;

/**
 * A scan of the changes a table went through between two instants; built by {@link Changes#of}.
 * Immutable: each refinement returns a new scan.
 */
public interface IncrementalScan {
  /** Changes after this instant (exclusive); null or absent reads from the table's first commit. */
  IncrementalScan since(String instantExclusive);

  /** Changes up to and including this instant; default the latest completed instant when read. */
  IncrementalScan until(String instantInclusive);

  /** Reads the net change per key, with before- and after-images. */
  ChangeSet read();
}
