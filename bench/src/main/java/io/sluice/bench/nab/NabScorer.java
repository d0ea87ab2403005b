package io.sluice.bench.nab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Numenta Anomaly Benchmark's published scoring (NAB v1.1 sweeper): windowed, position-weighted
 * rewards through a scaled sigmoid, first detection per window counts, false positives penalised by
 * distance past the previous window, one threshold swept over the whole corpus, and the total
 * normalised so that the null detector scores 0 and the perfect detector 100. As in NAB's runner, the
 * perfect score counts labels, not windows: a window holding two labels raises it by two.
 */
public final class NabScorer {
  /** NAB's cost profiles. */
  public record Profile(String name, double tp, double fp, double fn) {
    public static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);
    public static final Profile LOW_FP = new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    public static final Profile LOW_FN = new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0);
    public static final List<Profile> ALL = List.of(STANDARD, LOW_FP, LOW_FN);
  }

  /**
   * One labelled series with the detector's scores. Windows are inclusive [start, end] timestamps;
   * {@code labels} is the number of labelled anomalies, which NAB's perfect score counts.
   */
  public record Scored(String name, long[] timestamps, double[] scores, List<long[]> windows, int labels) {
    /** A series with one label per window. */
    public Scored(String name, long[] timestamps, double[] scores, List<long[]> windows) {
      this(name, timestamps, scores, windows, windows.size());
    }
  }

  /** Best threshold and its normalised score, with detection counts at that threshold. */
  public record Result(Profile profile, double threshold, double score, int windows, int detected,
                       int falsePositives) {}

  private record Point(double score, double weight, String window) {}

  static double scaledSigmoid(double position) {
    return position >= 3.0 ? -1.0 : 2 / (1 + Math.exp(5 * position)) - 1.0;
  }

  static int probationLength(int rows) {
    return (int) Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
  }

  /** Scores the corpus under {@code profile}, sweeping one threshold across all series. */
  public static Result score(List<Scored> corpus, Profile profile) {
    List<Point> points = new ArrayList<>();
    Map<String, Double> parts = new HashMap<>();
    int labels = 0;
    for (Scored s : corpus) {
      points.addAll(sweep(s, profile));
      labels += s.labels();
    }
    for (Point p : points) {
      if (p.window != null) {
        parts.put(p.window, -profile.fn);
      }
    }
    int windows = parts.size();
    points.sort(Comparator.comparingDouble((Point p) -> p.score).reversed());
    double fpTotal = 0;
    double bestScore = parts.values().stream().mapToDouble(d -> d).sum();
    double bestThreshold = 1.1;
    int fps = 0;
    int bestFps = 0;
    int bestDetected = 0;
    double windowSum = bestScore;
    java.util.Set<String> detected = new java.util.HashSet<>();
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      if (p.window == null) {
        fpTotal += p.weight;
        fps++;
      } else {
        double before = parts.get(p.window);
        double after = Math.max(before, p.weight);
        parts.put(p.window, after);
        windowSum += after - before;
        detected.add(p.window);
      }
      boolean lastOfThreshold = i + 1 == points.size() || points.get(i + 1).score != p.score;
      if (lastOfThreshold && windowSum + fpTotal > bestScore) {
        bestScore = windowSum + fpTotal;
        bestThreshold = p.score;
        bestFps = fps;
        bestDetected = detected.size();
      }
    }
    double nullScore = -profile.fn * windows;
    // NAB's runner takes the perfect score from the label count, the null score from the scorable windows.
    double perfect = profile.tp * labels;
    double normalised = windows == 0 ? 0 : 100 * (bestScore - nullScore) / (perfect - nullScore);
    return new Result(profile, bestThreshold, normalised, windows, bestDetected, bestFps);
  }

  /**
   * One series' unnormalised score at a fixed threshold, as NAB's per-file {@code Score} column: each
   * window adds its first detection's reward or the FN cost, each detection outside windows its FP cost.
   */
  public static double rawScore(Scored s, Profile profile, double threshold) {
    Map<String, Double> parts = new HashMap<>();
    double fp = 0;
    for (Point p : sweep(s, profile)) {
      if (p.window == null) {
        fp += p.score >= threshold ? p.weight : 0;
      } else {
        double tp = p.score >= threshold ? p.weight : -profile.fn;
        parts.merge(p.window, tp, Math::max);
      }
    }
    return fp + parts.values().stream().mapToDouble(d -> d).sum();
  }

  private static List<Point> sweep(Scored s, Profile profile) {
    long[] ts = s.timestamps();
    List<long[]> windows = new ArrayList<>(s.windows());
    windows.sort(Comparator.comparingLong(w -> w[0]));
    double maxTp = scaledSigmoid(-1.0);
    int probation = probationLength(ts.length);
    List<Point> out = new ArrayList<>(ts.length);
    int w = 0;
    int curRight = -1;
    double curWidth = 0;
    String curName = null;
    int prevRight = -1;
    double prevWidth = 0;
    for (int i = 0; i < ts.length; i++) {
      if (curName == null && w < windows.size() && ts[i] >= windows.get(w)[0]) {
        long[] win = windows.get(w++);
        curName = s.name() + "|" + win[0];
        int right = i;
        while (right + 1 < ts.length && ts[right + 1] <= win[1]) {
          right++;
        }
        curRight = right;
        curWidth = right - i + 1;
      }
      double weight;
      if (curName != null) {
        weight = scaledSigmoid(-(curRight - i + 1) / curWidth) * profile.tp / maxTp;
      } else {
        double position = prevRight < 0 ? 3.0 : Math.abs(prevRight - i) / (prevWidth - 1);
        weight = scaledSigmoid(position) * profile.fp;
      }
      if (i >= probation) {
        out.add(new Point(s.scores()[i], weight, curName));
      }
      if (curName != null && i == curRight) {
        prevRight = i;
        prevWidth = curWidth;
        curName = null;
      }
    }
    return out;
  }

  private NabScorer() {}
}
