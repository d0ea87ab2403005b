package io.sluice.checks.anomaly;

import io.sluice.core.SluiceException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Scores a {@code timestamp,value} CSV with the same detector the checks use, causally, and writes
 * {@code timestamp,value,anomaly_score,is_anomaly}. Timestamps may be epoch milliseconds, ISO-8601, or
 * {@code yyyy-MM-dd HH:mm:ss} (UTC); rows must be in time order. A bad row fails naming file, line and
 * field; an empty value is kept and scored 0.
 */
public final class SeriesScorer {
  private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS][.SSS]");

  /** What a scoring run did. */
  public record Summary(long points, long anomalies, long skipped, double seconds) {}

  private final DetectorOptions options;

  public SeriesScorer(DetectorOptions options) {
    this.options = options;
  }

  public Summary score(Path input, Path output) throws IOException {
    long start = System.nanoTime();
    SeriesDetector d = new SeriesDetector(options);
    long points = 0;
    long anomalies = 0;
    long skipped = 0;
    long previous = Long.MIN_VALUE;
    CSVFormat in = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).build();
    try (Reader r = Files.newBufferedReader(input); Writer w = Files.newBufferedWriter(output);
         CSVPrinter out = new CSVPrinter(w, CSVFormat.DEFAULT.builder()
             .setHeader("timestamp", "value", "anomaly_score", "is_anomaly").build())) {
      var parser = in.parse(r);
      if (!parser.getHeaderMap().containsKey("timestamp") || !parser.getHeaderMap().containsKey("value")) {
        throw new SluiceException(input + ":1: the header must name the columns timestamp and value, got "
            + parser.getHeaderNames());
      }
      for (CSVRecord rec : parser) {
        long line = rec.getParser().getCurrentLineNumber();
        if (!rec.isConsistent()) {
          throw new SluiceException(input + ":" + line + ": expected " + parser.getHeaderMap().size() + " fields, got "
              + rec.size());
        }
        String ts = rec.get("timestamp");
        long t = parseTime(ts, input, line);
        if (t < previous) {
          throw new SluiceException(input + ":" + line + ": field 'timestamp': " + ts
              + " is earlier than the row before; sort the series by time");
        }
        previous = t;
        String v = rec.get("value");
        double value;
        if (v.isEmpty()) {
          value = Double.NaN;
          skipped++;
        } else {
          try {
            value = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new SluiceException(input + ":" + line + ": field 'value': expected a number, got \"" + v + "\"");
          }
        }
        PointScore p = d.update(t, value);
        points++;
        anomalies += p.anomaly() ? 1 : 0;
        out.printRecord(ts, v, String.format(Locale.ROOT, "%.6f", p.score()), p.anomaly() ? 1 : 0);
      }
    }
    return new Summary(points, anomalies, skipped, (System.nanoTime() - start) / 1e9);
  }

  static long parseTime(String ts, Path file, long line) {
    try {
      if (ts.matches("-?\\d{1,19}")) {
        return Long.parseLong(ts);
      }
      if (ts.length() > 10 && ts.charAt(10) == ' ') {
        return LocalDateTime.parse(ts, SPACED).toInstant(ZoneOffset.UTC).toEpochMilli();
      }
      if (ts.length() == 10) {
        return LocalDate.parse(ts).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      if (ts.endsWith("Z") || ts.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return OffsetDateTime.parse(ts).toInstant().toEpochMilli();
      }
      return LocalDateTime.parse(ts).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new SluiceException(file + ":" + line + ": field 'timestamp': cannot read \"" + ts
          + "\"; use epoch milliseconds, ISO-8601 or yyyy-MM-dd HH:mm:ss (UTC)");
    }
  }
}
