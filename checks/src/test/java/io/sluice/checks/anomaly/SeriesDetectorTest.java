package io.sluice.checks.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesDetectorTest {
  private static final long STEP = 15 * 60_000L;
  private static final int DAY = 96;

  /** A daily sine with a weekend dip and Gaussian noise, 15-minute points. */
  private static double[] seasonal(int days, long seed) {
    Random rnd = new Random(seed);
    double[] v = new double[days * DAY];
    for (int i = 0; i < v.length; i++) {
      double daily = 100 + 40 * Math.sin(2 * Math.PI * (i % DAY) / DAY);
      double weekly = (i / DAY) % 7 >= 5 ? 0.8 : 1.0;
      v[i] = daily * weekly + rnd.nextGaussian() * 3;
    }
    return v;
  }

  private static List<PointScore> run(double[] values, DetectorOptions options) {
    SeriesDetector d = new SeriesDetector(options);
    List<PointScore> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(d.update(i * STEP, values[i]));
    }
    return out;
  }

  @Test
  void flagsASpikeAndStaysQuietOnCleanSeasonalData() {
    double[] v = seasonal(28, 1);
    int spike = 21 * DAY + 40;
    v[spike] += 60;
    List<PointScore> s = run(v, DetectorOptions.defaults());
    assertThat(s.get(spike).anomaly()).isTrue();
    assertThat(s.get(spike).score()).isGreaterThan(0.999);
    assertThat(s.get(spike).value()).isGreaterThan(s.get(spike).upper());
    long falseAlarms = s.stream().skip(7 * DAY).filter(p -> p.anomaly() && p.timestamp() != spike * STEP).count();
    // 20 clean days of 96 points at the default sensitivity: a handful of alerts at most.
    assertThat(falseAlarms).isLessThanOrEqualTo(4);
    assertThat(s).allSatisfy(p -> assertThat(p.score()).isBetween(0.0, 1.0));
  }

  @Test
  void eachScoreNamesTheTestThatDroveIt() {
    double[] v = seasonal(28, 6);
    int spike = 14 * DAY + 30;
    v[spike] += 60;
    // a modest, lasting rise: no single point is extreme
    int rise = 18 * DAY + 20;
    for (int i = rise; i < rise + 24; i++) {
      v[i] += 9;
    }
    List<PointScore> s = run(v, DetectorOptions.defaults());
    assertThat(s.get(0).signal()).isNull();
    assertThat(s.get(spike).signal()).isEqualTo(PointScore.VALUE);
    assertThat(s.get(spike).insideBand()).isFalse();
    assertThat(s.subList(rise + 4, rise + 24)).anyMatch(p -> PointScore.SUSTAINED.equals(p.signal()) && p.score() > 0.9);
    assertThat(s.stream().skip(7 * DAY)).allMatch(p -> p.signal() != null).anyMatch(p -> PointScore.SHAPE.equals(p.signal()));
    // the band is where the point's own deviation turns critical: an alert the value drove lies outside it
    assertThat(s).filteredOn(p -> p.anomaly() && PointScore.VALUE.equals(p.signal())).isNotEmpty()
        .allMatch(p -> !p.insideBand());
  }

  @Test
  void aBurstOfVolatilityIsFlaggedAndItsSpreadScoresHigh() {
    double[] v = seasonal(28, 11);
    Random rnd = new Random(12);
    int burst = 20 * DAY + 10;
    // 16 points that jump back and forth by about seven usual steps: each stays inside the usual band
    for (int i = burst; i < burst + 16; i++) {
      v[i] += (i % 2 == 0 ? 12 : -12) + rnd.nextGaussian();
    }
    List<PointScore> s = run(v, DetectorOptions.defaults());
    List<PointScore> during = s.subList(burst, burst + 16);
    assertThat(during).anyMatch(PointScore::anomaly)
        .anyMatch(p -> PointScore.SPREAD.equals(p.signal()) && p.score() > 0.99);
    assertThat(s.subList(7 * DAY, burst)).noneMatch(p -> PointScore.SPREAD.equals(p.signal()) && p.anomaly());
  }

  @Test
  void itsMedianIsCommonsMathsMedian() {
    Random rnd = new Random(3);
    for (int n = 1; n <= 12; n++) {
      for (int trial = 0; trial < 200; trial++) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = trial % 3 == 0 ? rnd.nextInt(4) : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 6);
        }
        double[] copy = v.clone();
        assertThat(SeriesDetector.median(v)).isEqualTo(new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(v));
        assertThat(v).containsExactly(copy);
      }
    }
    assertThat(SeriesDetector.median(new double[0])).isNaN();
  }

  @Test
  void withinAnIncidentOnlyAClearlyStrongerDeviationAlertsAgain() {
    double[] v = seasonal(28, 21);
    int spike = 21 * DAY + 40;
    v[spike] += 22;
    v[spike + 1] += 31;                   // the same burst, its p-value barely smaller
    v[spike + 6] += 60;                   // clearly stronger
    List<PointScore> s = run(v, DetectorOptions.defaults());
    assertThat(s.get(spike).anomaly()).isTrue();
    assertThat(s.get(spike + 1).anomaly()).as("next point of the same incident").isFalse();
    assertThat(s.get(spike + 1).score()).isLessThan(0.5);
    assertThat(s.get(spike + 6).anomaly()).as("a much larger deviation in the same incident").isTrue();
  }

  @Test
  void flagsALevelShiftOnceThenAcceptsTheNewNormal() {
    double[] v = seasonal(28, 2);
    int shift = 20 * DAY + 10;
    for (int i = shift; i < v.length; i++) {
      v[i] *= 0.6;
    }
    List<PointScore> s = run(v, DetectorOptions.defaults());
    assertThat(s.subList(shift, shift + 6)).anyMatch(PointScore::anomaly);
    assertThat(s.subList(shift, shift + 40)).anyMatch(PointScore::changePoint);
    long lateAlarms = s.subList(shift + 2 * DAY, v.length).stream().filter(PointScore::anomaly).count();
    assertThat(lateAlarms).isLessThanOrEqualTo(2);
  }

  @Test
  void coldStartNeedsALargerDeviationThanAnEstablishedSeries() {
    double[] v = seasonal(20, 3);
    double[] early = v.clone();
    early[30] += 30;
    double[] late = v.clone();
    late[18 * DAY + 30] += 30;
    PointScore coldScore = run(early, DetectorOptions.defaults()).get(30);
    PointScore warmScore = run(late, DetectorOptions.defaults()).get(18 * DAY + 30);
    assertThat(coldScore.score()).isLessThan(warmScore.score());
    assertThat(coldScore.anomaly()).isFalse();
    assertThat(warmScore.anomaly()).isTrue();
  }

  @Test
  void scoresAreCausal() {
    double[] v = seasonal(10, 4);
    double[] prefix = java.util.Arrays.copyOf(v, 5 * DAY);
    List<PointScore> full = run(v, DetectorOptions.defaults());
    List<PointScore> part = run(prefix, DetectorOptions.defaults());
    assertThat(full.subList(0, prefix.length)).isEqualTo(part);
  }

  @Test
  void higherSensitivityFlagsMore() {
    double[] v = seasonal(21, 5);
    long low = run(v, DetectorOptions.defaults().withSensitivity(0.2)).stream().filter(PointScore::anomaly).count();
    long high = run(v, DetectorOptions.defaults().withSensitivity(0.9)).stream().filter(PointScore::anomaly).count();
    assertThat(high).isGreaterThan(low);
  }

  @Test
  void flatSeriesFlagsAnyChange() {
    double[] v = new double[500];
    java.util.Arrays.fill(v, 45);
    v[400] = 46;
    List<PointScore> s = run(v, DetectorOptions.defaults());
    assertThat(s.get(400).anomaly()).isTrue();
    assertThat(s.subList(0, 400)).noneMatch(PointScore::anomaly);
  }

  @Test
  void savedStateContinuesExactlyWhereItStopped() {
    double[] v = seasonal(21, 6);
    v[15 * DAY + 3] += 50;
    List<PointScore> straight = run(v, DetectorOptions.defaults());
    SeriesDetector first = new SeriesDetector(DetectorOptions.defaults());
    int cut = 14 * DAY + 17;
    for (int i = 0; i < cut; i++) {
      first.update(i * STEP, v[i]);
    }
    String saved = first.save();
    SeriesDetector resumed = SeriesDetector.restore(DetectorOptions.defaults(), saved);
    for (int i = cut; i < v.length; i++) {
      assertThat(resumed.update(i * STEP, v[i])).isEqualTo(straight.get(i));
    }
    assertThat(saved.length()).isLessThan(200_000);
  }
}
