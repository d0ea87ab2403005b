package io.sluice.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.SluiceException;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Position of the landing-dir source, stored in the events commit's metadata. Files modified before
 * {@code horizon} count as processed; newer ones count as processed when listed in {@code files}
 * (path → modification time). Keeping names near the horizon catches writers that close files out
 * of order, while the horizon keeps the checkpoint small.
 */
public record SourceCheckpoint(@JsonProperty("horizon") long horizon,
                               @JsonProperty("files") SortedMap<String, Long> files) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final SourceCheckpoint EMPTY = new SourceCheckpoint(Long.MIN_VALUE, new TreeMap<>());

  public SourceCheckpoint {
    files = Collections.unmodifiableSortedMap(new TreeMap<>(files == null ? new TreeMap<>() : files));
  }

  public boolean isProcessed(LandingFile f) {
    return f.modificationTime() < horizon || files.containsKey(f.path());
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static SourceCheckpoint fromJson(String json) {
    try {
      SourceCheckpoint cp = JSON.readValue(json, SourceCheckpoint.class);
      if (cp == null) {
        throw new SluiceException("empty source checkpoint");
      }
      return cp;
    } catch (JsonProcessingException e) {
      throw new SluiceException("unreadable source checkpoint '" + abbreviate(json) + "': " + e.getOriginalMessage()
          + ". If the commit metadata was edited by hand, restore it or backfill from the landing files.", e);
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
