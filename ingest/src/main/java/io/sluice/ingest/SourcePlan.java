package io.sluice.ingest;

import java.util.List;

/**
 * One batch's share of the landing dir.
 *
 * @param files files to read, oldest modification first
 * @param next the checkpoint once these files are committed
 * @param backlogFiles new files left for later batches by the caps
 * @param backlogBytes their size
 */
public record SourcePlan(List<LandingFile> files, SourceCheckpoint next, int backlogFiles, long backlogBytes) {
  public SourcePlan {
    files = List.copyOf(files);
  }

  public boolean isEmpty() {
    return files.isEmpty();
  }
}
