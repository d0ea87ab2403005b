package io.sluice.incremental;

import io.sluice.core.SluiceException;

/**
 * The requested range can no longer be read incrementally: its start is archived, or the file
 * versions it needs were cleaned. Never answered with fewer changes; recompute in full instead.
 */
public final class RangeUnavailableException extends SluiceException {
  public RangeUnavailableException(String table, String since, String why) {
    super("changes of " + table + " since " + since + " can no longer be read incrementally: " + why
        + ". Recompute in full instead (sluice incremental --full, or sluice backfill over the affected dates),"
        + " or keep more history (hoodie.cleaner.commits.retained, hoodie.keep.min.commits).");
  }
}
