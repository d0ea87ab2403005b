package io.sluice.bench.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * A NAB-layout corpus: {@code <category>/<name>.csv} series plus {@code windows.json}, and optionally
 * {@code labels.json}, whose label count NAB uses for the perfect score (one window may hold two labels).
 */
public final class NabCorpus {
  /** One labelled series; {@code labels} is its count of labelled anomalies, at least one per window. */
  public record Series(String name, long[] timestamps, double[] values, List<long[]> windows, int labels) {}

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  public static List<Series> load(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode windows = json.readTree(dir.resolve("windows.json").toFile());
    Path labelFile = dir.resolve("labels.json");
    JsonNode labels = Files.exists(labelFile) ? json.readTree(labelFile.toFile()) : null;
    List<Series> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = windows.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Path file = dir.resolve(e.getKey());
      if (!Files.exists(file)) {
        throw new IOException("windows.json names " + e.getKey() + " but " + file + " does not exist");
      }
      List<long[]> wins = new ArrayList<>();
      for (JsonNode w : e.getValue()) {
        wins.add(new long[] {millis(w.get(0).asText()), millis(w.get(1).asText())});
      }
      List<Long> ts = new ArrayList<>();
      List<Double> vs = new ArrayList<>();
      try (Reader r = Files.newBufferedReader(file)) {
        for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
          ts.add(millis(rec.get(0)));
          vs.add(Double.parseDouble(rec.get(1)));
        }
      }
      int labelled = labels != null && labels.has(e.getKey()) ? labels.get(e.getKey()).size() : wins.size();
      out.add(new Series(e.getKey(), ts.stream().mapToLong(Long::longValue).toArray(),
          vs.stream().mapToDouble(Double::doubleValue).toArray(), wins, Math.max(labelled, wins.size())));
    }
    return out;
  }

  static long millis(String text) {
    return LocalDateTime.parse(text.substring(0, 19), TS).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  private NabCorpus() {}
}
