package io.sluice.checks.anomaly;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;

/**
 * Causal anomaly detector for one metric series: each {@link #update} scores a point from earlier
 * points only, then learns from it. Not thread-safe; one instance per series.
 *
 * <p>Four forecasters run side by side: the median of the last few points, additive Holt-Winters, and
 * daily and weekly seasonal medians that absorb level shifts through their recent misses. Each keeps a
 * running backtest error and the point is judged by the one with the lowest, so every series picks its
 * own model. The residual, divided by a robust running scale, gets a conformal p-value against that
 * model's own past residuals ({@link ResidualRanks}); while the recent shape is unusual, also against a
 * record that grows slowly, so an incident that builds up keeps ranking. Once history allows, the shape of the last few
 * points gets one too, from its distance to the nearest similar shapes of the recent past
 * ({@link PatternNovelty}), so a changed pattern counts even when each point stays in its band, and
 * so does the recent spread: the median step between the last few points, ranked against earlier
 * such medians, so a burst of volatility counts though no point beats the record. The smallest of
 * these, Bonferroni-corrected, is combined with the p-value of the recent average surprise so that a
 * run of modest deviations counts as well as one spike. A two-sided CUSUM on the
 * standardised residuals flags confirmed level shifts.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class SeriesDetector {
  private static final ObjectMapper STATE = new ObjectMapper();
  static final String[] MODELS = {"recent_median", "holt_winters", "seasonal_daily", "seasonal_weekly"};
  private static final int RECENT = 5;
  private static final int SUSTAINED_POINTS = 5;
  /** Points whose median step, relative to the usual step, measures the recent spread. */
  private static final int SPREAD_POINTS = 10;
  /** Spread statistics ranked before the spread test gives a p-value. */
  private static final int SPREAD_CALIBRATION = 100;
  /** Steps averaged into the unit that makes them scale-free; frozen afterwards, so a lasting rise in volatility still ranks. */
  private static final int STEP_UNIT_SAMPLE = 200;
  private static final int DAILY_LAGS = 7;
  private static final int WEEKLY_LAGS = 3;
  private static final int SCALE_MEMORY = 300;
  private static final int RANK_MEMORY = 500;
  private static final double CUSUM_K = 1.0;
  private static final double CUSUM_H = 12.0;
  private static final double MAE_TO_SIGMA = Math.sqrt(Math.PI / 2);
  private static final int STEP_SAMPLE = 9;
  private static final double INCIDENT = 0.999;
  /**
   * Decades of p-value by which a score within an open incident must beat the incident's peak to
   * score high again: a residual that just edges past the peak (the next point of the same burst)
   * is the same incident (NAB dev: margin 0.05 to 0.35 all gain, 127 false positives to 120-125).
   */
  private static final double SUPPRESS_MARGIN = 0.2;
  /** Shape p-value below which the residual is also ranked against the slow-growing record. */
  private static final double SLOW_RECORD_SHAPE = 0.02;

  @JsonIgnore private DetectorOptions options;
  @JsonIgnore private double alertThreshold;
  private long step;
  private int daily;
  private int weekly;
  private final long[] firstTimes = new long[STEP_SAMPLE];
  private final double[] firstValues = new double[STEP_SAMPLE];
  private int buffered;

  private double[] history;
  private int histStart;
  private int histSize;
  private long index;

  private final double[] err = new double[MODELS.length];
  private final double[] scale = new double[MODELS.length];
  private final long[] residuals = new long[MODELS.length];
  private final ResidualRanks[] ranks = new ResidualRanks[MODELS.length];
  private final double[][] seasonalRaw = {new double[RECENT], new double[RECENT]};
  private final long[] seasonalSeen = new long[2];
  private final double[] pendingRaw = new double[2];
  private double hwLevel = Double.NaN;
  private double hwTrend;
  private double[] hwSeason;

  private final PatternNovelty shape = new PatternNovelty(RANK_MEMORY);
  @JsonIgnore private double[] shapeScratch;
  /** The sustained test's p-value for the point being scored; infinite before it has enough points. */
  @JsonIgnore private double lastSustainedP = Double.POSITIVE_INFINITY;
  private final double[] surprises = new double[SUSTAINED_POINTS];
  private long surpriseCount;
  private final ResidualRanks sustained = new ResidualRanks(RANK_MEMORY);
  private double cusumUp;
  private double cusumDown;
  private double[] recentScores;
  private int recentPos;
  private double stepUnit;
  private long steps;
  private final double[] spreadRing = new double[SPREAD_POINTS];
  private long spreadCount;
  private final ResidualRanks spread = new ResidualRanks(RANK_MEMORY);

  private SeriesDetector() {
    // for restore()
  }

  /** The detector's whole learned state as JSON, to continue later with {@link #restore}. */
  public String save() {
    try {
      return STATE.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise detector state", e);
    }
  }

  /**
   * A detector that continues exactly where the saved one stopped: scoring the next points gives the
   * same results as if it had never been saved. {@code options} must equal the saved detector's.
   */
  public static SeriesDetector restore(DetectorOptions options, String saved) {
    try {
      SeriesDetector d = STATE.readValue(saved, SeriesDetector.class);
      d.options = options;
      d.alertThreshold = options.alertThreshold();
      return d;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("unreadable detector state: " + e.getOriginalMessage(), e);
    }
  }

  public SeriesDetector(DetectorOptions options) {
    this.options = options;
    this.alertThreshold = options.alertThreshold();
    for (int m = 0; m < MODELS.length; m++) {
      ranks[m] = new ResidualRanks(RANK_MEMORY);
    }
    if (options.stepMillis() > 0) {
      configure(options.stepMillis());
    }
  }

  /** The score at or above which {@link PointScore#anomaly()} is set. */
  public double alertThreshold() {
    return alertThreshold;
  }

  /** Points scored or learned so far. */
  public long points() {
    return index + buffered;
  }

  /**
   * Scores {@code value} at {@code timestamp} against the past, then adds it to the history. A NaN or
   * infinite value is reported unscored and not learned.
   */
  public PointScore update(long timestamp, double value) {
    boolean finite = Double.isFinite(value);
    if (history == null) {
      if (finite) {
        bufferUntilStepKnown(timestamp, value);
      }
      return unscored(timestamp, value);
    }
    if (!finite) {
      return unscored(timestamp, value);
    }
    double pShape = shapePValue(value);
    double[] forecasts = forecasts();
    int best = bestModel(forecasts);
    PointScore result = unscored(timestamp, value);
    if (best >= 0) {
      double sigma = sigma(best, forecasts[best]);
      double z = (value - forecasts[best]) / sigma;
      double pValue = ranks[best].pValue(Math.abs(z));
      // Against the slow record only when the shape is unusual too: a fast-growing incident keeps
      // scoring, while a lone big residual in a familiar shape does not (NAB dev: 53 windows to 56).
      boolean slowRecord = pShape < SLOW_RECORD_SHAPE;
      if (slowRecord) {
        pValue = Math.min(pValue, ranks[best].pValueSlowRecord(Math.abs(z)));
      }
      // the spread test counts in the correction only once it is calibrated, so cold start is unchanged
      int tests = spread.count >= SPREAD_CALIBRATION ? 3 : 2;
      double pSpread = spreadPValue(relativeStep(value));
      double pPoint = Math.min(1, tests * Math.min(pValue, Math.min(pShape, pSpread)));
      double raw = 1 - withSustained(pPoint);
      // the test with the smallest p-value is the one that drove the score
      String signal = lastSustainedP < pPoint ? PointScore.SUSTAINED
          : pSpread < Math.min(pValue, pShape) ? PointScore.SPREAD
          : pShape < pValue ? PointScore.SHAPE : PointScore.VALUE;
      double score = suppress(raw);
      // The alert needs the residual's own p-value below the tail over 2 * tests: tests here, two in withSustained.
      double tail = (1 - alertThreshold) / (2 * tests);
      double half = (slowRecord ? ranks[best].quantileSlowRecord(tail) : ranks[best].quantile(tail)) * sigma;
      double lower = forecasts[best] - half;
      double upper = forecasts[best] + half;
      result = new PointScore(timestamp, value, forecasts[best], lower, upper, score, score >= alertThreshold,
          MODELS[best], cusum(z), signal);
    }
    learn(value, forecasts);
    return result;
  }

  private static PointScore unscored(long timestamp, double value) {
    return new PointScore(timestamp, value, Double.NaN, Double.NaN, Double.NaN, 0, false, "warmup", false, null);
  }

  private void bufferUntilStepKnown(long timestamp, double value) {
    firstTimes[buffered] = timestamp;
    firstValues[buffered] = value;
    buffered++;
    if (buffered == STEP_SAMPLE) {
      long[] diffs = new long[STEP_SAMPLE - 1];
      for (int i = 1; i < STEP_SAMPLE; i++) {
        diffs[i - 1] = firstTimes[i] - firstTimes[i - 1];
      }
      Arrays.sort(diffs);
      configure(Math.max(1, diffs[diffs.length / 2]));
      for (int i = 0; i < STEP_SAMPLE; i++) {
        learn(firstValues[i], forecasts());
      }
      buffered = 0;
    }
  }

  private void configure(long stepMillis) {
    step = stepMillis;
    long day = 86_400_000L;
    daily = step <= day / 4 ? (int) Math.round((double) day / step) : 0;
    weekly = step <= day ? (int) Math.round(7.0 * day / step) : 0;
    history = new double[Math.max(PatternNovelty.historyNeeded(), Math.max(daily * DAILY_LAGS, weekly * WEEKLY_LAGS)) + 1];
    hwSeason = new double[Math.max(daily, 1)];
    int suppressPoints = options.suppress() > 0 ? options.suppress() : Math.max(12, daily / 2);
    recentScores = new double[suppressPoints];
  }

  private double lag(int k) {
    return history[(histStart + histSize - k) % history.length];
  }

  private double shapePValue(double value) {
    int needed = PatternNovelty.historyNeeded();
    if (histSize < needed) {
      return 1;
    }
    if (shapeScratch == null) {
      shapeScratch = new double[needed];
    }
    double[] past = shapeScratch;
    int from = (histStart + histSize - needed) % history.length;
    int first = Math.min(needed, history.length - from);
    System.arraycopy(history, from, past, 0, first);
    System.arraycopy(history, 0, past, first, needed - first);
    return shape.pValue(past, value);
  }

  private double[] forecasts() {
    double[] f = new double[MODELS.length];
    Arrays.fill(f, Double.NaN);
    if (histSize >= RECENT) {
      double[] last = new double[RECENT];
      for (int k = 1; k <= RECENT; k++) {
        last[k - 1] = lag(k);
      }
      f[0] = median(last);
    }
    if (!Double.isNaN(hwLevel)) {
      f[1] = hwLevel + hwTrend + hwSeason[(int) (index % hwSeason.length)];
    }
    f[2] = levelCorrected(0, seasonal(daily, DAILY_LAGS));
    f[3] = levelCorrected(1, seasonal(weekly, WEEKLY_LAGS));
    return f;
  }

  private double seasonal(int period, int lags) {
    if (period < 2 || histSize < period) {
      return Double.NaN;
    }
    int usable = Math.min(lags, histSize / period);
    double[] past = new double[usable];
    for (int k = 1; k <= usable; k++) {
      past[k - 1] = lag(k * period);
    }
    return median(past);
  }

  /**
   * Shifts a seasonal forecast by the median of its recent misses, so a level shift is absorbed in a
   * few points while the seasonal shape is kept.
   */
  private double levelCorrected(int which, double rawForecast) {
    pendingRaw[which] = rawForecast;
    int known = (int) Math.min(RECENT, Math.min(index, seasonalSeen[which]));
    if (Double.isNaN(rawForecast) || known == 0) {
      return rawForecast;
    }
    double[] misses = new double[known];
    for (int j = 1; j <= known; j++) {
      misses[j - 1] = lag(j) - seasonalRaw[which][(int) ((index - j) % RECENT)];
    }
    return rawForecast + median(misses);
  }

  private int bestModel(double[] forecasts) {
    int best = -1;
    for (int m = 0; m < MODELS.length; m++) {
      if (!Double.isNaN(forecasts[m]) && residuals[m] >= options.warmup() && (best < 0 || err[m] < err[best])) {
        best = m;
      }
    }
    return best;
  }

  private double sigma(int model, double forecast) {
    double floor = options.counts() ? Math.sqrt(Math.abs(forecast) + 1) : 1e-9 * Math.max(1, Math.abs(forecast));
    return Math.max(scale[model] * MAE_TO_SIGMA, floor);
  }

  /**
   * Combines the point's p-value with that of its recent average surprise, so a run of modest
   * deviations (a changed pattern) ranks like a single large one.
   */
  private double withSustained(double pPoint) {
    surprises[(int) (surpriseCount % SUSTAINED_POINTS)] = Math.min(50, -Math.log10(pPoint));
    surpriseCount++;
    lastSustainedP = Double.POSITIVE_INFINITY;
    if (surpriseCount < SUSTAINED_POINTS) {
      return pPoint;
    }
    double mean = 0;
    for (double x : surprises) {
      mean += x / SUSTAINED_POINTS;
    }
    double pAvg = sustained.pValue(mean);
    lastSustainedP = pAvg;
    sustained.add(mean);
    return Math.min(1, 2 * Math.min(pPoint, pAvg));
  }

  /**
   * The step from the previous point in units of the mean step over the first
   * {@value #STEP_UNIT_SAMPLE} scored points (until that mean is positive, for a series that starts
   * flat). As in {@link PatternNovelty}, the unit only puts the steps on the ranks' scale: the ranks
   * themselves judge what is usual, so the unit need not follow the series.
   */
  private double relativeStep(double value) {
    double d = Math.abs(value - lag(1));
    double r = d / Math.max(stepUnit, 1e-9 * Math.max(1, Math.abs(value)));
    if (steps < STEP_UNIT_SAMPLE || stepUnit <= 0) {
      steps++;
      stepUnit += (d - stepUnit) / Math.min(steps, STEP_UNIT_SAMPLE);
    }
    return r;
  }

  /**
   * P-value of the recent spread: the median of the last {@value #SPREAD_POINTS} relative steps,
   * ranked against earlier such medians. It catches a burst of volatility whose points each stay
   * below the record residual, which the point test needs to beat.
   */
  private double spreadPValue(double step) {
    spreadRing[(int) (spreadCount % SPREAD_POINTS)] = step;
    spreadCount++;
    if (spreadCount < SPREAD_POINTS) {
      return 1;
    }
    double med = median(spreadRing);
    double p = spread.count >= SPREAD_CALIBRATION ? spread.pValue(med) : 1;
    spread.add(med);
    return p;
  }

  /**
   * Within an open incident only a clearly stronger deviation scores high: one alert per incident.
   * Scores are compared as p-values, -log10(1 - score), with a margin of {@value #SUPPRESS_MARGIN}.
   */
  private double suppress(double raw) {
    double peak = 0;
    for (double s : recentScores) {
      peak = Math.max(peak, s);
    }
    recentScores[recentPos] = raw;
    recentPos = (recentPos + 1) % recentScores.length;
    return peak < INCIDENT || -Math.log10(1 - raw) > -Math.log10(1 - peak) + SUPPRESS_MARGIN ? raw : raw * 0.5;
  }

  private boolean cusum(double z) {
    double clipped = Math.max(-6, Math.min(6, z));
    cusumUp = Math.max(0, cusumUp + clipped - CUSUM_K);
    cusumDown = Math.max(0, cusumDown - clipped - CUSUM_K);
    if (cusumUp > CUSUM_H || cusumDown > CUSUM_H) {
      cusumUp = 0;
      cusumDown = 0;
      return true;
    }
    return false;
  }

  private void learn(double value, double[] f) {
    for (int m = 0; m < MODELS.length; m++) {
      if (Double.isNaN(f[m])) {
        continue;
      }
      double abs = Math.abs(value - f[m]);
      if (residuals[m] > 0) {
        ranks[m].add(abs / sigma(m, f[m]));
      }
      long n = ++residuals[m];
      double rate = 1.0 / Math.min(n, SCALE_MEMORY);
      // Clip so that one outlier cannot inflate the scale that judges the next one; the backtest
      // error is not clipped, because a model that misses every daily step must lose the backtest.
      double clipped = n <= 3 ? abs : Math.min(abs, 4 * Math.max(scale[m], 1e-12) * MAE_TO_SIGMA);
      scale[m] += rate * (clipped - scale[m]);
      err[m] += rate * (abs - err[m]);
    }
    for (int w = 0; w < 2; w++) {
      seasonalRaw[w][(int) (index % RECENT)] = pendingRaw[w];
      seasonalSeen[w] = Double.isNaN(pendingRaw[w]) ? 0 : seasonalSeen[w] + 1;
    }
    updateHoltWinters(value);
    if (histSize < history.length) {
      histSize++;
    } else {
      histStart = (histStart + 1) % history.length;
    }
    history[(histStart + histSize - 1) % history.length] = value;
    index++;
  }

  private void updateHoltWinters(double value) {
    int phase = (int) (index % hwSeason.length);
    if (Double.isNaN(hwLevel)) {
      hwLevel = value;
      return;
    }
    double alpha = 0.2;
    double beta = 0.01;
    double gamma = hwSeason.length > 1 ? 0.1 : 0;
    double previous = hwLevel;
    hwLevel = alpha * (value - hwSeason[phase]) + (1 - alpha) * (hwLevel + hwTrend);
    hwTrend = beta * (hwLevel - previous) + (1 - beta) * hwTrend;
    hwSeason[phase] = gamma * (value - hwLevel) + (1 - gamma) * hwSeason[phase];
  }

  /**
   * The median as Commons Math's {@code Median} gives it (the middle value, or for an even count
   * {@code lower + 0.5 * (upper - lower)}), from a sorted copy. {@code Median} allocates and fills a
   * 512-entry pivot cache on every call, which was most of the scoring time for these arrays of at
   * most a few values ({@code SeriesDetectorTest} checks the two agree).
   */
  static double median(double[] values) {
    int n = values.length;
    if (n == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    if (n % 2 == 1) {
      return v[n / 2];
    }
    double lower = v[n / 2 - 1];
    return lower + 0.5 * (v[n / 2] - lower);
  }
}
