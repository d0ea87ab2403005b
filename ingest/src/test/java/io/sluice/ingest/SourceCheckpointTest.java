package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceCheckpointTest {
  @Test
  void jsonRoundTripIsExactAndStable() {
    Map<String, Long> files = new HashMap<>();
    files.put("hdfs://nn:8020/landing/b.jsonl", 2000L);
    files.put("file:/tmp/landing dir/ä.jsonl", 1500L);
    files.put("hdfs://nn:8020/landing/a.jsonl", 1000L);
    SourceCheckpoint cp = new SourceCheckpoint(900, new TreeMap<>(files));
    String json = cp.toJson();
    assertThat(json).isEqualTo("{\"horizon\":900,\"files\":{\"file:/tmp/landing dir/ä.jsonl\":1500,"
        + "\"hdfs://nn:8020/landing/a.jsonl\":1000,\"hdfs://nn:8020/landing/b.jsonl\":2000}}");
    SourceCheckpoint back = SourceCheckpoint.fromJson(json);
    assertThat(back).isEqualTo(cp);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(SourceCheckpoint.fromJson(SourceCheckpoint.EMPTY.toJson())).isEqualTo(SourceCheckpoint.EMPTY);
    assertThat(SourceCheckpoint.EMPTY.toJson()).isEqualTo("{\"horizon\":-9223372036854775808,\"files\":{}}");
  }

  @Test
  void readsWhitespaceAndKeyOrderItDidNotWrite() {
    assertThat(SourceCheckpoint.fromJson(" {\n \"files\": {\"x\": 5},\n \"horizon\": 3 }\n"))
        .isEqualTo(new SourceCheckpoint(3, new TreeMap<>(Map.of("x", 5L))));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{nope                                        | not JSON: ",
      "''                                           | it is empty",
      "[1,2]                                        | not a JSON object",
      "{\"files\":{}}                               | 'horizon' must be an integer",
      "{\"horizon\":\"5\",\"files\":{}}             | 'horizon' must be an integer",
      "{\"horizon\":1.5,\"files\":{}}               | 'horizon' must be an integer",
      "{\"horizon\":5}                              | 'files' must be an object",
      "{\"horizon\":5,\"files\":{\"a\":null}}       | modification time of 'a' must be an integer",
      "{\"horizon\":5,\"files\":{},\"extra\":1}     | unknown key 'extra'",
      "{\"horizon\":5,\"files\":{}} {}              | not JSON: ",
  })
  void garbageIsAClearError(String json, String why) {
    assertThatThrownBy(() -> SourceCheckpoint.fromJson(json))
        .isInstanceOf(SluiceException.class)
        .hasMessageStartingWith("unreadable source checkpoint")
        .hasMessageContaining(why.strip());
    assertThatThrownBy(() -> SourceCheckpoint.fromJson(null)).isInstanceOf(SluiceException.class);
  }

  @Test
  void processedMeansOlderThanTheHorizonOrListed() {
    SourceCheckpoint cp = new SourceCheckpoint(1000, new TreeMap<>(Map.of("p/b", 1500L)));
    assertThat(cp.isProcessed(new LandingFile("p/a", 1, 999))).isTrue();
    assertThat(cp.isProcessed(new LandingFile("p/a", 1, 1000))).isFalse();
    assertThat(cp.isProcessed(new LandingFile("p/b", 1, 1500))).isTrue();
    assertThat(cp.isProcessed(new LandingFile("p/c", 1, 1500))).isFalse();
    assertThat(SourceCheckpoint.EMPTY.isProcessed(new LandingFile("p/a", 0, Long.MIN_VALUE + 1))).isFalse();
    assertThat(new SourceCheckpoint(0, null).files()).isEmpty();
  }
}
