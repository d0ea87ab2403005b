package io.sluice.ingest;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SourceSpec;
import io.sluice.core.util.Durations;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the landing directory, on any Hadoop filesystem, for files that are new since a
 * checkpoint. Sub-directories are searched too (e.g. {@code dt=2024-05-01/}); files and
 * directories whose names start with {@code _} or {@code .} are in progress by convention and
 * skipped, and file names must match {@code source.file-pattern}. Empty files are taken like any
 * other, so they get a report. Landing files are only ever listed here, never changed.
 *
 * <p>The next checkpoint's horizon trails the newest processed file by {@code listing-lookback}
 * and never passes a file the caps left for later, so a writer that closes a file after a newer
 * one (within the lookback) is still picked up, while files behind the horizon drop out of the
 * checkpoint.
 */
public final class LandingDirSource {
  /** Oldest modification time first, then by path: the order files are ingested and re-read in. */
  private static final Comparator<LandingFile> ARRIVAL_ORDER =
      Comparator.comparingLong(LandingFile::modificationTime).thenComparing(LandingFile::path);

  private static final Logger LOG = LoggerFactory.getLogger(LandingDirSource.class);

  private final SourceSpec source;
  private final Path root;
  private final Configuration conf;
  private final GlobPattern pattern;

  public LandingDirSource(PipelineSpec spec, Configuration conf) {
    this.source = spec.source();
    this.root = new Path(source.landingDir());
    this.conf = conf;
    this.pattern = new GlobPattern(source.filePattern());
  }

  /**
   * Files new since {@code since}, oldest modification time first (then by path), as many as fit
   * in max-files-per-batch and max-bytes-per-batch; at least one when any file is new.
   *
   * @throws SluiceException when the landing directory is missing or cannot be listed
   */
  public SourcePlan plan(SourceCheckpoint since) {
    long t0 = System.nanoTime();
    List<LandingFile> listed = list();
    List<LandingFile> fresh = new ArrayList<>();
    for (LandingFile f : listed) {
      if (!since.isProcessed(f)) {
        fresh.add(f);
      } else {
        Long seen = since.files().get(f.path());
        if (seen != null && seen != f.modificationTime()) {
          LOG.warn("{} was modified after it was ingested (modification time {} -> {}); the change is NOT"
              + " ingested. Landing files must not be rewritten: land new data under a new name.",
              f.path(), seen, f.modificationTime());
        }
      }
    }
    fresh.sort(ARRIVAL_ORDER);
    List<LandingFile> take = new ArrayList<>();
    long bytes = 0;
    for (LandingFile f : fresh) {
      boolean full = take.size() >= source.maxFilesPerBatch()
          || (!take.isEmpty() && bytes + f.length() > source.maxBytesPerBatch().bytes());
      if (full) {
        break;
      }
      take.add(f);
      bytes += f.length();
    }
    List<LandingFile> rest = fresh.subList(take.size(), fresh.size());
    long restBytes = rest.stream().mapToLong(LandingFile::length).sum();
    SourcePlan plan = new SourcePlan(take, advance(since, take, rest), rest.size(), restBytes);
    LOG.info("{}: listed {} files in {} ms; {} new, taking {} ({} bytes), backlog {} files ({} bytes)",
        root, listed.size(), (System.nanoTime() - t0) / 1_000_000, fresh.size(), take.size(), bytes,
        rest.size(), restBytes);
    return plan;
  }

  /**
   * Landing files the checkpoint {@code committed} covers, modified at or after {@code landedSince}
   * (epoch millis), oldest first: what a backfill re-reads. Files still to come are left to the pipeline.
   */
  public List<LandingFile> committedFiles(SourceCheckpoint committed, long landedSince) {
    List<LandingFile> out = new ArrayList<>();
    for (LandingFile f : list()) {
      if (committed.isProcessed(f) && f.modificationTime() >= landedSince) {
        out.add(f);
      }
    }
    out.sort(ARRIVAL_ORDER);
    return out;
  }

  /**
   * The checkpoint after {@code taken} are processed: their paths join {@code since}'s; the horizon
   * moves to the newest processed modification time minus the lookback, but never back and never
   * past a file left in {@code rest}; paths modified before the horizon are dropped.
   */
  SourceCheckpoint advance(SourceCheckpoint since, List<LandingFile> taken, List<LandingFile> rest) {
    TreeMap<String, Long> files = new TreeMap<>(since.files());
    taken.forEach(f -> files.put(f.path(), f.modificationTime()));
    long horizon = since.horizon();
    if (!files.isEmpty()) {
      long newest = files.values().stream().mapToLong(Long::longValue).max().getAsLong();
      horizon = Math.max(horizon, saturatedMinus(newest, source.listingLookback().toMillis()));
    }
    for (LandingFile f : rest) {
      horizon = Math.min(horizon, f.modificationTime());
    }
    long h = horizon;
    files.values().removeIf(mtime -> mtime < h);
    return new SourceCheckpoint(horizon, files);
  }

  private static long saturatedMinus(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
  }

  /** Every eligible file under the landing dir, in no particular order. */
  List<LandingFile> list() {
    FileSystem fs;
    FileStatus top;
    try {
      fs = FileSystem.get(root.toUri(), conf);
      top = fs.getFileStatus(root);
    } catch (FileNotFoundException e) {
      throw new SluiceException("landing dir " + root + " does not exist; create it, or fix source.landing-dir"
          + " in the spec");
    } catch (IOException e) {
      throw new SluiceException("cannot list landing dir " + root + ": " + e.getMessage()
          + "; check that the filesystem is reachable and readable (source.landing-dir, hadoop: settings)", e);
    }
    if (!top.isDirectory()) {
      throw new SluiceException("landing dir " + root + " is a file, not a directory; fix source.landing-dir"
          + " in the spec");
    }
    List<LandingFile> out = new ArrayList<>();
    Deque<Path> dirs = new ArrayDeque<>();
    dirs.push(top.getPath());
    while (!dirs.isEmpty()) {
      Path dir = dirs.pop();
      try {
        RemoteIterator<FileStatus> it = fs.listStatusIterator(dir);
        while (it.hasNext()) {
          FileStatus st = it.next();
          String name = st.getPath().getName();
          if (name.startsWith("_") || name.startsWith(".")) {
            continue;
          }
          if (st.isDirectory()) {
            dirs.push(st.getPath());
          } else if (st.isFile() && pattern.matches(name)) {
            // Path's own string form: stable across runs (checkpoint keys) and reopened by new Path(String).
            out.add(new LandingFile(st.getPath().toString(), st.getLen(), st.getModificationTime()));
          }
        }
      } catch (FileNotFoundException e) {
        if (dir.equals(top.getPath())) {
          throw new SluiceException("landing dir " + root + " disappeared while it was listed; check what removes it");
        }
        LOG.warn("{} disappeared while the landing dir was listed; skipped", dir);
      } catch (IOException e) {
        throw new SluiceException("cannot list " + dir + " in landing dir " + root + ": " + e.getMessage()
            + "; nothing was ingested, the next run lists again", e);
      }
    }
    return out;
  }

  /** For log lines. */
  @Override
  public String toString() {
    return "LandingDirSource[" + root + ", pattern " + source.filePattern() + ", lookback "
        + Durations.format(source.listingLookback()) + "]";
  }
}
