package io.sluice.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.SluiceException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Position of the landing-dir source, stored as JSON in the events commit's metadata. A file counts
 * as processed when it was modified before {@code horizon}, or when its path is in {@code files}
 * (path → modification time). Naming the files just behind the newest one catches writers that
 * close files out of order; the horizon keeps the list short.
 *
 * @param horizon epoch millis; {@link Long#MIN_VALUE} before the first batch
 * @param files processed files modified at or after the horizon, sorted by path; null means none
 */
public record SourceCheckpoint(long horizon, SortedMap<String, Long> files) {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Nothing processed yet. */
  public static final SourceCheckpoint EMPTY = new SourceCheckpoint(Long.MIN_VALUE, new TreeMap<>());

  public SourceCheckpoint {
    TreeMap<String, Long> copy = files == null ? new TreeMap<>() : new TreeMap<>(files);
    if (copy.containsValue(null)) {
      throw new IllegalArgumentException("a file's modification time is null");
    }
    files = Collections.unmodifiableSortedMap(copy);
  }

  /** Whether {@code f} was handled by an earlier batch. */
  public boolean isProcessed(LandingFile f) {
    return f.modificationTime() < horizon || files.containsKey(f.path());
  }

  /** Compact JSON, {@code {"horizon":…,"files":{path:mtime,…}}} with paths sorted: equal checkpoints give equal text. */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("horizon", horizon);
    ObjectNode fs = o.putObject("files");
    files.forEach(fs::put);
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses {@link #toJson()} output.
   *
   * @throws SluiceException when {@code json} is not a checkpoint
   */
  public static SourceCheckpoint fromJson(String json) {
    if (json == null || json.isBlank()) {
      throw invalid(json, "it is empty");
    }
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid(json, "not JSON: " + e.getOriginalMessage());
    }
    if (!n.isObject()) {
      throw invalid(json, "not a JSON object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("horizon") && !k.equals("files")) {
        throw invalid(json, "unknown key '" + k + "'");
      }
    }
    JsonNode h = n.get("horizon");
    if (h == null || !h.isIntegralNumber() || !h.canConvertToLong()) {
      throw invalid(json, "'horizon' must be an integer (epoch millis)");
    }
    JsonNode fs = n.get("files");
    if (fs == null || !fs.isObject()) {
      throw invalid(json, "'files' must be an object of path: modification time");
    }
    TreeMap<String, Long> files = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = fs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong()) {
        throw invalid(json, "modification time of '" + e.getKey() + "' must be an integer");
      }
      files.put(e.getKey(), e.getValue().longValue());
    }
    return new SourceCheckpoint(h.longValue(), files);
  }

  private static SluiceException invalid(String json, String why) {
    String shown = json == null ? "null" : json.length() > 120 ? json.substring(0, 120) + "…" : json;
    return new SluiceException("unreadable source checkpoint '" + shown + "': " + why
        + ". It is written by Sluice into the events table's commit metadata; if that was edited, restore it"
        + " (or re-ingest the landing files into a fresh table).");
  }
}
