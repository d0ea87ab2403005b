package io.sluice.checks.anomaly;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
/**
 * Exponentially forgetting histogram of past standardised residual sizes, giving conformal p-values:
 * the weighted share of past residuals at least as large as a new one. It needs no distributional
 * assumption, so heavy tails and discrete series are judged by what they actually do, and with little
 * history no p-value can be small: the cold-start threshold relaxes as history grows on its own.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class ResidualRanks {
  static final int BINS_PER_DECADE = 16;
  static final double MIN = 1e-3;
  static final int BINS = 9 * BINS_PER_DECADE + 1;
  /** Points over which the largest residual seen fades, so records are judged against recent ones. */
  static final int RECORD_MEMORY = 500;
  static final double MAX_TAIL_EXPONENT = 8;
  /** Most the slow record of {@link #pValueSlowRecord} may grow per residual, as a factor. */
  static final double SLOW_RECORD_GROWTH = 1.1;
  /** Residuals seen before the slow record is capped, so it starts from a real record. */
  static final int SLOW_RECORD_FREE = 10;

  double[] weights;
  double total;
  double unit;
  double maxSeen;
  /** Like {@link #maxSeen}, but grows by at most {@value #SLOW_RECORD_GROWTH} per residual. */
  double slowRecord;
  long count;
  private double decay;
  /** Residuals seen by which a record's tail exponent reaches half its maximum. */
  double recordPrior = 10;

  private ResidualRanks() {
    this.weights = new double[BINS];
  }

  ResidualRanks(int memory) {
    this(new double[BINS], 0, 1, 0, 0, memory);
  }

  /** @param recordPrior residuals seen by which records count half as much as they ever will */
  ResidualRanks(int memory, double recordPrior) {
    this(memory);
    this.recordPrior = recordPrior;
  }

  ResidualRanks(double[] weights, double total, double unit, double maxSeen, long count, int memory) {
    this.weights = weights;
    this.total = total;
    this.unit = unit;
    this.maxSeen = maxSeen;
    this.count = count;
    this.decay = Math.exp(1.0 / memory);
  }

  static int bin(double absZ) {
    if (!(absZ > MIN)) {
      return 0;
    }
    int b = 1 + (int) Math.floor(Math.log10(absZ / MIN) * BINS_PER_DECADE);
    return Math.min(b, BINS - 1);
  }

  static double binLower(int b) {
    return b == 0 ? 0 : MIN * Math.pow(10, (b - 1) / (double) BINS_PER_DECADE);
  }

  /** Adds one residual; newer residuals weigh more so that old regimes fade. */
  void add(double absZ) {
    weights[bin(absZ)] += unit;
    count++;
    total += unit;
    double slow = slowRecord();
    double fadedSlow = slow * (1 - 1.0 / RECORD_MEMORY);
    slowRecord = count <= SLOW_RECORD_FREE ? Math.max(fadedSlow, absZ)
        : Math.max(fadedSlow, Math.min(absZ, SLOW_RECORD_GROWTH * Math.max(slow, MIN)));
    maxSeen = Math.max(maxSeen * (1 - 1.0 / RECORD_MEMORY), absZ);
    unit *= decay;
    if (unit > 1e150) {
      for (int i = 0; i < BINS; i++) {
        weights[i] /= unit;
      }
      total /= unit;
      unit = 1;
    }
  }

  /**
   * As {@link #pValue}, but records are judged against the slow record: after a burst of growing
   * residuals (an incident building up) the next ones still rank as records, where the plain record
   * has already jumped to the largest of them.
   */
  double pValueSlowRecord(double absZ) {
    return pValue(absZ, slowRecord());
  }

  // A state saved before the slow record existed restores it as 0: it starts from the record then.
  private double slowRecord() {
    return slowRecord > 0 ? slowRecord : maxSeen;
  }

  /**
   * Conformal p-value of {@code absZ} in (0, 1]: the share of past residuals at least as large, with
   * the new one counted. Beyond everything seen, it keeps falling with size so records still rank.
   */
  double pValue(double absZ) {
    return pValue(absZ, maxSeen);
  }

  private double pValue(double absZ, double largest) {
    int b = bin(absZ);
    double above = 0;
    for (int i = b + 1; i < BINS; i++) {
      above += weights[i];
    }
    // Within the bin, interpolate on the log scale so scores do not tie.
    double lo = binLower(b);
    double hi = binLower(b + 1);
    double frac = b == 0 ? absZ / MIN : Math.log(absZ / lo) / Math.log(hi / lo);
    above += weights[b] * (1 - Math.min(1, Math.max(0, frac)));
    double p = (above + unit) / (total + unit);
    double record = Math.max(largest, MIN);
    if (absZ > record) {
      p *= Math.pow(record / absZ, tailExponent());
    }
    return p;
  }

  /**
   * Beyond the largest residual seen, p-values fall as a power of the excess. The power grows with
   * history: a record among 20 residuals says less than a record among 500.
   */
  private double tailExponent() {
    return MAX_TAIL_EXPONENT * count / (count + recordPrior);
  }

  /** As {@link #quantile}, for {@link #pValueSlowRecord}. */
  double quantileSlowRecord(double p) {
    return quantile(p, slowRecord());
  }

  /** The residual size whose p-value is {@code p}; NaN before any residual was seen. */
  double quantile(double p) {
    return quantile(p, maxSeen);
  }

  private double quantile(double p, double largest) {
    if (count == 0) {
      return Double.NaN;
    }
    double target = p * (total + unit) - unit;
    if (target <= 0) {
      double pAtRecord = unit / (total + unit);
      return Math.max(largest, MIN) * Math.pow(pAtRecord / p, 1 / tailExponent());
    }
    double above = 0;
    for (int i = BINS - 1; i >= 0; i--) {
      if (above + weights[i] >= target) {
        return binLower(i + 1);
      }
      above += weights[i];
    }
    return 0;
  }
}
