package io.sluice.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link ExactSum} against {@link BigDecimal}'s exact arithmetic, the representation it replaced. */
class ExactSumTest {

  /** Doubles of every kind: small integers, prices, wide exponents, subnormals, extremes, both signs. */
  private static List<Double> mixed(Random rnd, int n) {
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = switch (i % 8) {
        case 0 -> rnd.nextInt(1000);
        case 1 -> Math.round(rnd.nextDouble() * 100_000) / 100.0;
        case 2 -> rnd.nextGaussian() * Math.pow(2, rnd.nextInt(120) - 60);
        case 3 -> Double.longBitsToDouble(rnd.nextLong() & 0x7fefffffffffffffL);
        case 4 -> Double.MIN_VALUE * (1 + rnd.nextInt(1000));
        case 5 -> (1L << 53) - rnd.nextInt(3);
        case 6 -> (double) (1L << 62) * (1 + rnd.nextInt(7));
        default -> rnd.nextDouble();
      };
      xs.add(rnd.nextBoolean() ? x : -x);
    }
    return xs;
  }

  private static BigDecimal reference(List<Double> xs) {
    BigDecimal sum = BigDecimal.ZERO;
    for (double x : xs) {
      sum = sum.add(new BigDecimal(x));
    }
    return sum;
  }

  @Test
  void equalsBigDecimalsExactSumInAnyOrder() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      List<Double> xs = mixed(rnd, 1 + rnd.nextInt(60));
      BigDecimal expected = reference(xs);
      ExactSum forward = new ExactSum();
      xs.forEach(forward::add);
      Collections.shuffle(xs, rnd);
      ExactSum shuffled = new ExactSum();
      xs.forEach(shuffled::add);
      assertThat(forward.toBigDecimal()).as("trial %d", trial).isEqualByComparingTo(expected);
      assertThat(shuffled.toBigDecimal()).isEqualTo(forward.toBigDecimal());
      assertThat(forward.doubleValue()).isEqualTo(expected.doubleValue());
      assertThat(forward.signum()).isEqualTo(expected.signum());
    }
  }

  @Test
  void keepsTheLongPathExactAcrossItsOverflow() {
    // prices whose sum leaves 64 bits after ~2^16 of them, then integers near 2^62
    Random rnd = new Random(3);
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      xs.add(Math.round(rnd.nextDouble() * 10_000) / 100.0);
    }
    for (int i = 0; i < 100; i++) {
      xs.add((double) (1L << 62));
      xs.add(-(double) (1L << 62) - 4096);
    }
    ExactSum sum = new ExactSum();
    xs.forEach(sum::add);
    assertThat(sum.toBigDecimal()).isEqualByComparingTo(reference(xs));
  }

  @Test
  void subtractingAndMergingGiveTheSameValueAsAddingOneByOne() {
    Random rnd = new Random(5);
    List<Double> xs = mixed(rnd, 400);
    ExactSum all = new ExactSum();
    xs.forEach(all::add);
    ExactSum left = new ExactSum();
    ExactSum right = new ExactSum();
    for (int i = 0; i < xs.size(); i++) {
      (i < 150 ? left : right).add(xs.get(i));
    }
    left.add(right);
    assertThat(left.toBigDecimal()).isEqualTo(all.toBigDecimal());

    xs.subList(0, 200).forEach(all::subtract);
    assertThat(all.toBigDecimal()).isEqualByComparingTo(reference(xs.subList(200, 400)));
    xs.subList(200, 400).forEach(all::subtract);
    assertThat(all.signum()).isZero();
    assertThat(all.toBigDecimal()).isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void roundTripsThroughItsDecimalTextAndRefusesNonBinaryFractions() {
    Random rnd = new Random(9);
    for (int trial = 0; trial < 100; trial++) {
      ExactSum s = new ExactSum();
      mixed(rnd, 20).forEach(s::add);
      String text = s.toBigDecimal().stripTrailingZeros().toPlainString();
      ExactSum back = ExactSum.of(new BigDecimal(text));
      assertThat(back).isNotNull();
      assertThat(back.toBigDecimal()).isEqualTo(s.toBigDecimal());
      back.add(0.1);
      s.add(0.1);
      assertThat(back.toBigDecimal()).isEqualTo(s.toBigDecimal());
    }
    assertThat(ExactSum.of(new BigDecimal("12000")).toBigDecimal()).isEqualByComparingTo("12000");
    assertThat(ExactSum.of(BigDecimal.ZERO).signum()).isZero();
    // 0.1 in decimal is no sum of doubles
    assertThat(ExactSum.of(new BigDecimal("0.1"))).isNull();
  }

  @Test
  void countsNanAndInfinitiesApartAndGivesSqlsSum() {
    ExactSum s = new ExactSum();
    s.add(2.5);
    s.add(Double.NaN);
    assertThat(s.doubleValue()).isNaN();
    s.subtract(Double.NaN);
    assertThat(s.doubleValue()).isEqualTo(2.5);
    s.add(Double.POSITIVE_INFINITY);
    assertThat(s.doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    s.add(Double.NEGATIVE_INFINITY);
    assertThat(s.doubleValue()).isNaN();
    s.subtract(Double.POSITIVE_INFINITY);
    assertThat(s.doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    s.subtract(Double.NEGATIVE_INFINITY);
    s.add(-0.0);
    assertThat(s.doubleValue()).isEqualTo(2.5);

    // the counts survive a merge and the stored text; rows without them read as none
    ExactSum other = new ExactSum();
    other.add(Double.NaN);
    other.add(Double.NEGATIVE_INFINITY);
    other.add(1.25);
    s.add(other);
    Map<String, String> state = new TreeMap<>();
    s.writeTo(state);
    assertThat(state).containsEntry("sum", "3.75").containsEntry("nan", "1").containsEntry("-inf", "1")
        .doesNotContainKey("+inf");
    ExactSum back = ExactSum.read(state);
    assertThat(back.doubleValue()).isNaN();
    back.subtract(Double.NaN);
    assertThat(back.doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    back.subtract(Double.NEGATIVE_INFINITY);
    assertThat(back.doubleValue()).isEqualTo(3.75);
    assertThat(ExactSum.read(Map.of("sum", "12.5")).doubleValue()).isEqualTo(12.5);
    assertThat(ExactSum.read(Map.of("sum", "twelve"))).isNull();
    assertThat(ExactSum.read(Map.of())).isNull();
  }
}
