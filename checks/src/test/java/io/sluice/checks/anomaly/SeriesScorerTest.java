package io.sluice.checks.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesScorerTest {
  @TempDir Path dir;

  @Test
  void scoresEachRowCausallyAndFlagsTheSpike() throws Exception {
    Random rnd = new Random(7);
    List<String> lines = new ArrayList<>(List.of("timestamp,value"));
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < 3000; i++) {
      double v = 50 + 10 * Math.sin(2 * Math.PI * i / 288) + rnd.nextGaussian();
      if (i == 2500) {
        v += 40;
      }
      String ts = i % 3 == 0 ? String.valueOf(t.toEpochMilli()) : i % 3 == 1 ? t.toString()
          : t.toString().replace('T', ' ').replace("Z", "");
      lines.add(ts + "," + (i == 100 ? "" : String.valueOf(v)));
      t = t.plusSeconds(300);
    }
    Path in = dir.resolve("in.csv");
    Path out = dir.resolve("out.csv");
    Files.write(in, lines);
    SeriesScorer.Summary s = new SeriesScorer(DetectorOptions.defaults()).score(in, out);
    List<String> result = Files.readAllLines(out);
    assertThat(result.get(0)).isEqualTo("timestamp,value,anomaly_score,is_anomaly");
    assertThat(result).hasSize(3001);
    assertThat(s.points()).isEqualTo(3000);
    assertThat(s.skipped()).isEqualTo(1);
    assertThat(result.get(2501)).endsWith(",1");
    assertThat(result.subList(1, result.size())).allSatisfy(l -> {
      double score = Double.parseDouble(l.split(",")[2]);
      assertThat(score).isBetween(0.0, 1.0);
    });
    assertThat(s.anomalies()).isBetween(1L, 5L);
  }

  @Test
  void badRowsNameFileLineAndField() throws Exception {
    Path in = dir.resolve("bad.csv");
    Files.write(in, List.of("timestamp,value", "2024-01-01 00:00:00,1", "2024-01-01 00:05:00,abc"));
    assertThatThrownBy(() -> new SeriesScorer(DetectorOptions.defaults()).score(in, dir.resolve("o.csv")))
        .isInstanceOf(SluiceException.class).hasMessageContaining("bad.csv:3").hasMessageContaining("field 'value'");
    Files.write(in, List.of("timestamp,value", "2024-01-01 00:05:00,1", "2024-01-01 00:00:00,2"));
    assertThatThrownBy(() -> new SeriesScorer(DetectorOptions.defaults()).score(in, dir.resolve("o.csv")))
        .hasMessageContaining("bad.csv:3").hasMessageContaining("earlier than the row before");
    Files.write(in, List.of("time,v", "1,1"));
    assertThatThrownBy(() -> new SeriesScorer(DetectorOptions.defaults()).score(in, dir.resolve("o.csv")))
        .hasMessageContaining("timestamp and value");
    Files.write(in, List.of("timestamp,value", "yesterday,1"));
    assertThatThrownBy(() -> new SeriesScorer(DetectorOptions.defaults()).score(in, dir.resolve("o.csv")))
        .hasMessageContaining("bad.csv:2").hasMessageContaining("field 'timestamp'");
  }
}
