package io.sluice.ingest;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SourceSpec;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists landing files that are new since a checkpoint, on any Hadoop filesystem, recursing into
 * sub-directories. Names (of files or directories) starting with {@code _} or {@code .} are
 * in-progress by convention and skipped. Files are only ever read.
 */
public final class LandingDirSource {
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

  /** Files new since {@code since}, oldest first, capped by max files and bytes (at least one is taken). */
  public SourcePlan plan(SourceCheckpoint since) {
    List<LandingFile> fresh = new ArrayList<>();
    for (LandingFile f : list()) {
      if (!since.isProcessed(f)) {
        fresh.add(f);
      }
    }
    fresh.sort(Comparator.comparingLong(LandingFile::modificationTime).thenComparing(LandingFile::path));
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
    return new SourcePlan(take, advance(since, take, rest), rest.size(),
        rest.stream().mapToLong(LandingFile::length).sum());
  }

  SourceCheckpoint advance(SourceCheckpoint since, List<LandingFile> taken, List<LandingFile> rest) {
    TreeMap<String, Long> files = new TreeMap<>(since.files());
    taken.forEach(f -> files.put(f.path(), f.modificationTime()));
    long newest = files.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    long horizon = since.horizon();
    if (newest != Long.MIN_VALUE) {
      horizon = Math.max(horizon, newest - source.listingLookback().toMillis());
    }
    // Never move the horizon past a file the caps left for a later batch.
    for (LandingFile f : rest) {
      horizon = Math.min(horizon, f.modificationTime());
    }
    long h = horizon;
    files.values().removeIf(mtime -> mtime < h);
    return new SourceCheckpoint(horizon, files);
  }

  List<LandingFile> list() {
    List<LandingFile> out = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      String rootPath = fs.makeQualified(root).toUri().getPath();
      while (it.hasNext()) {
        LocatedFileStatus st = it.next();
        if (!st.isFile() || hidden(st.getPath(), rootPath) || !pattern.matches(st.getPath().getName())) {
          continue;
        }
        out.add(new LandingFile(st.getPath().toString(), st.getLen(), st.getModificationTime()));
      }
    } catch (FileNotFoundException e) {
      throw new SluiceException("landing dir " + root + " does not exist; create it, or fix source.landing-dir in the spec");
    } catch (IOException e) {
      throw new SluiceException("cannot list landing dir " + root + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static boolean hidden(Path p, String rootPath) {
    String rel = p.toUri().getPath();
    rel = rel.startsWith(rootPath) ? rel.substring(rootPath.length()) : p.getName();
    for (String part : rel.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
