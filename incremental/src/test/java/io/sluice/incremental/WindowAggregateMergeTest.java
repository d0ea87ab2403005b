package io.sluice.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.Measure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Groups aggregated in parts and merged write the same row as one group that saw every record. */
class WindowAggregateMergeTest {
  private static final List<String> MEASURES = List.of("count", "count_distinct(user)", "sum(amount)", "avg(amount)",
      "min(amount)", "max(amount)", "p95(amount)", "approx_p50(latency)", "nulls(latency)", "count_distinct(latency)");

  @Test
  void mergedPartsEqualOneGroupForEveryMeasure() {
    List<Measure> measures = MEASURES.stream().map(Measure::parse).toList();
    Random rnd = new Random(3);
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      Map<String, Object> e = new HashMap<>();
      e.put("user", "u" + rnd.nextInt(700));
      // amounts with many decimals and both signs, so a float sum would depend on the order
      e.put("amount", rnd.nextInt(20) == 0 ? null : (rnd.nextDouble() - 0.3) * Math.pow(10, rnd.nextInt(6)));
      e.put("latency", rnd.nextInt(8) == 0 ? null : (long) (Math.exp(rnd.nextGaussian() * 2) * 100));
      events.add(e);
    }

    WindowAggregate whole = new WindowAggregate(measures);
    events.forEach(whole::add);

    // three uneven parts, merged into the one holding fewest records (its sets are the smaller ones)
    WindowAggregate[] parts = {new WindowAggregate(measures), new WindowAggregate(measures), new WindowAggregate(measures)};
    for (int i = 0; i < events.size(); i++) {
      parts[i < 300 ? 0 : i < 3000 ? 1 : 2].add(events.get(i));
    }
    parts[0].merge(parts[1]);
    parts[0].merge(parts[2]);

    Map<String, Object> expected = new HashMap<>();
    Map<String, Object> merged = new HashMap<>();
    whole.writeTo(expected);
    parts[0].writeTo(merged);
    assertThat(merged).isEqualTo(expected);
    assertThat(Stream.of("count", "count_distinct_user", "p95_amount", "approx_p50_latency").map(merged::get))
        .doesNotContainNull();
    assertThat(merged.get("count")).isEqualTo(5000L);
  }
}
