package io.sluice.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A column profile counts every value but samples only finite ones, so it stores as plain JSON. */
class ColumnProfileTest {

  @Test
  void countsNonFiniteValuesButKeepsThemOutOfTheSample() throws Exception {
    ColumnProfile p = new ColumnProfile();
    SplittableRandom rnd = new SplittableRandom(1);
    for (Object v : new Object[] {1.5, Double.NaN, 0.0, Double.POSITIVE_INFINITY, null, 2L, Double.NEGATIVE_INFINITY}) {
      p.add(v, rnd);
    }
    assertThat(p.rows).isEqualTo(7);
    assertThat(p.nulls).isEqualTo(1);
    assertThat(p.numeric).isEqualTo(6);
    assertThat(p.zeros).isEqualTo(1);
    assertThat(p.sample).containsExactlyInAnyOrder(1.5, 0.0, 2.0);
    assertThat(Arrays.stream(p.sample).allMatch(Double::isFinite)).isTrue();

    // strict JSON has no NaN: the stored profile must round-trip through a default mapper
    ObjectMapper json = new ObjectMapper();
    ColumnProfile back = json.readValue(json.writeValueAsString(p), ColumnProfile.class);
    assertThat(back.sample).containsExactly(p.sample);
    assertThat(back.numeric).isEqualTo(6);
  }
}
