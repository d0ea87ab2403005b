package io.sluice.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NabScorerTest {
  private static final int N = 1000;

  private static NabScorer.Scored series(String name, double[] scores, long... window) {
    long[] ts = new long[N];
    for (int i = 0; i < N; i++) {
      ts[i] = i * 300_000L;
    }
    return new NabScorer.Scored(name, ts, scores, List.of(new long[] {window[0] * 300_000L, window[1] * 300_000L}));
  }

  @Test
  void nullDetectorScoresZeroAndPerfectScoresHundred() {
    double[] none = new double[N];
    double[] perfect = new double[N];
    perfect[600] = 1;
    assertThat(NabScorer.score(List.of(series("a", none, 600, 700)), NabScorer.Profile.STANDARD).score())
        .isCloseTo(0, within(1e-9));
    assertThat(NabScorer.score(List.of(series("a", perfect, 600, 700)), NabScorer.Profile.STANDARD).score())
        .isCloseTo(100, within(1e-9));
  }

  @Test
  void perfectScoreCountsLabelsNotWindows() {
    // NAB's runner: perfect = TP weight x labels, so a window holding two labels caps a detector below 100.
    double[] perfect = new double[N];
    perfect[600] = 1;
    NabScorer.Scored s = series("a", perfect, 600, 700);
    NabScorer.Scored twoLabels = new NabScorer.Scored("a", s.timestamps(), perfect, s.windows(), 2);
    assertThat(NabScorer.score(List.of(twoLabels), NabScorer.Profile.STANDARD).score())
        .isCloseTo(100.0 * (1 + 1) / (2 + 1), within(1e-9));
  }

  @Test
  void earlierDetectionScoresHigherAndFalsePositivesCost() {
    double[] early = new double[N];
    early[620] = 1;
    double[] late = new double[N];
    late[690] = 1;
    double[] withFp = early.clone();
    withFp[300] = 1;
    double e = NabScorer.score(List.of(series("a", early, 600, 700)), NabScorer.Profile.STANDARD).score();
    double l = NabScorer.score(List.of(series("a", late, 600, 700)), NabScorer.Profile.STANDARD).score();
    NabScorer.Result f = NabScorer.score(List.of(series("a", withFp, 600, 700)), NabScorer.Profile.STANDARD);
    assertThat(e).isGreaterThan(l);
    assertThat(f.score()).isLessThan(e);
    assertThat(f.falsePositives()).isEqualTo(1);
    // One FP far from any window costs the FP weight 0.11 of a 2-point range (FN -1 to TP +1).
    assertThat(e - f.score()).isCloseTo(100 * 0.11 / 2, within(1e-6));
  }

  @Test
  void probationaryDetectionsAreIgnoredAndTheThresholdIsSwept() {
    double[] s = new double[N];
    s[10] = 1; // probation: first 15%
    s[650] = 0.7;
    s[900] = 0.5; // lower than the true detection: the sweep should stop above it
    NabScorer.Result r = NabScorer.score(List.of(series("a", s, 600, 700)), NabScorer.Profile.STANDARD);
    assertThat(r.threshold()).isEqualTo(0.7);
    assertThat(r.falsePositives()).isZero();
    assertThat(r.detected()).isEqualTo(1);
  }

  @Test
  void sigmoidMatchesPublishedAnchors() {
    assertThat(NabScorer.scaledSigmoid(-1.0)).isCloseTo(0.98661, within(1e-5));
    assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.84828, within(1e-5));
    assertThat(NabScorer.scaledSigmoid(0.0)).isCloseTo(0.0, within(1e-9));
    assertThat(NabScorer.scaledSigmoid(3.5)).isEqualTo(-1.0);
  }

  @Test
  void rawScoreAtTheSweptThresholdReproducesTheNormalisedScore() {
    double[] a = new double[N];
    a[650] = 0.9;
    a[300] = 0.95; // FP above the detection: the sweep must decide whether it pays to keep
    a[800] = 0.5;
    double[] b = new double[N];
    b[620] = 0.8;
    List<NabScorer.Scored> corpus = List.of(series("a", a, 600, 700), series("b", b, 600, 700));
    NabScorer.Result r = NabScorer.score(corpus, NabScorer.Profile.STANDARD);
    double raw = corpus.stream().mapToDouble(s -> NabScorer.rawScore(s, NabScorer.Profile.STANDARD, r.threshold())).sum();
    // null = -FN per window, perfect = TP per label: the normalisation NAB's runner applies.
    assertThat(100 * (raw + 2) / (2 + 2)).isCloseTo(r.score(), within(1e-9));
    // Above every score each window costs its FN weight; no FP is counted.
    assertThat(NabScorer.rawScore(corpus.get(0), NabScorer.Profile.LOW_FN, 1.0)).isEqualTo(-2.0);
    // At 0.5 series a keeps its detection at 650 (window centre) and pays two FPs, the one at 800 cheaper.
    double centre = NabScorer.scaledSigmoid(-51.0 / 101) / NabScorer.scaledSigmoid(-1.0);
    double fp300 = 0.11 * NabScorer.scaledSigmoid(3.0);
    double fp800 = 0.11 * NabScorer.scaledSigmoid(100.0 / 100);
    assertThat(NabScorer.rawScore(corpus.get(0), NabScorer.Profile.STANDARD, 0.5))
        .isCloseTo(centre + fp300 + fp800, within(1e-9));
  }
}
