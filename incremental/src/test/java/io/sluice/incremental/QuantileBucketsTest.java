package io.sluice.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

class QuantileBucketsTest {
  private static List<Double> sample(long seed) {
    Random rnd = new Random(seed);
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      xs.add(Math.exp(rnd.nextGaussian() * 2) * (rnd.nextDouble() < 0.1 ? -1 : 1));
    }
    for (int i = 0; i < 50; i++) {
      xs.add(0.0);
    }
    return xs;
  }

  @Test
  void quantilesAreWithinTheRelativeAccuracyOfTheExactOnes() {
    List<Double> xs = sample(1);
    QuantileBuckets b = new QuantileBuckets();
    xs.forEach(b::add);
    double[] sorted = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    for (int p : new int[] {1, 5, 25, 50, 75, 95, 99}) {
      // lower-rank exact quantile, the definition DDSketch approximates
      double exact = sorted[(int) Math.floor(p / 100.0 * (sorted.length - 1))];
      assertThat(b.quantile(p / 100.0)).as("p%d", p).isCloseTo(exact, within(Math.abs(exact) * QuantileBuckets.ACCURACY + 1e-12));
    }
    assertThat(b.quantile(0.5)).isCloseTo(new Percentile().evaluate(sorted, 50), within(0.05));
  }

  @Test
  void stateDependsOnlyOnTheValuesHeldNotOnTheirOrderOrHistory() {
    List<Double> xs = sample(2);
    QuantileBuckets forward = new QuantileBuckets();
    xs.forEach(forward::add);
    List<Double> shuffled = new ArrayList<>(xs);
    Collections.shuffle(shuffled, new Random(3));
    QuantileBuckets other = new QuantileBuckets();
    shuffled.forEach(other::add);
    sample(4).forEach(other::add);          // values added, then taken back out
    sample(4).forEach(other::remove);
    assertThat(other.encode()).isEqualTo(forward.encode());
    assertThat(QuantileBuckets.decode(forward.encode()).encode()).isEqualTo(forward.encode());
    assertThat(QuantileBuckets.decode(forward.encode()).quantile(0.95)).isEqualTo(forward.quantile(0.95));
    xs.forEach(forward::remove);
    assertThat(forward.quantile(0.5)).isNull();
    assertThat(forward.encode()).isEqualTo("||0");
  }

  @Test
  void leavesNanOutAndRanksInfinitiesAtTheEnds() {
    QuantileBuckets b = new QuantileBuckets();
    for (double v : new double[] {1, 2, 3, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
        Double.POSITIVE_INFINITY, Double.MAX_VALUE}) {
      b.add(v);
    }
    // ranked: -inf, 1, 2, 3, then three values at the top (MAX_VALUE counts as +inf)
    assertThat(b.quantile(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(b.quantile(0.5)).isCloseTo(3.0, within(0.03));
    assertThat(b.quantile(1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    String text = b.encode();
    assertThat(text).endsWith("|1|3");
    QuantileBuckets back = QuantileBuckets.decode(text);
    assertThat(back.encode()).isEqualTo(text);
    back.remove(Double.NEGATIVE_INFINITY);
    back.remove(Double.NaN);
    back.remove(Double.POSITIVE_INFINITY);
    back.remove(Double.POSITIVE_INFINITY);
    back.remove(Double.MAX_VALUE);
    // without infinities the text is the three-part form older rows hold
    assertThat(back.encode()).doesNotEndWith("|0|0").isEqualTo(QuantileBuckets.decode(back.encode()).encode());
    assertThat(back.encode().split("\\|", -1)).hasSize(3);
    assertThat(back.quantile(1.0)).isCloseTo(3.0, within(0.03));
  }
}
