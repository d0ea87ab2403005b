package io.sluice.checks.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ResidualRanksTest {
  private static ResidualRanks filled(int n, double recordPrior) {
    ResidualRanks r = new ResidualRanks(500, recordPrior);
    Random rnd = new Random(7);
    for (int i = 0; i < n; i++) {
      r.add(Math.abs(rnd.nextGaussian()));
    }
    return r;
  }

  @Test
  void pValuesAreShareOfPastResidualsAtLeastAsLarge() {
    ResidualRanks r = filled(2000, 10);
    assertThat(r.pValue(0.01)).isGreaterThan(0.95);
    assertThat(r.pValue(1.0)).isBetween(0.2, 0.45);   // P(|N(0,1)| >= 1) = 0.317
    assertThat(r.pValue(1.0)).isGreaterThan(r.pValue(2.0));
  }

  @Test
  void aRecordCountsForMoreAsHistoryGrowsAndMoreSlowlyWithALargerPrior() {
    double record = 20;
    double fewQuick = filled(50, 10).pValue(record);
    double manyQuick = filled(2000, 10).pValue(record);
    double fewSlow = filled(50, 150).pValue(record);
    double manySlow = filled(2000, 150).pValue(record);
    assertThat(manyQuick).isLessThan(fewQuick);
    assertThat(manySlow).isLessThan(fewSlow);
    assertThat(fewSlow).as("a record among 50 residuals, prior 150").isGreaterThan(fewQuick * 100);
    assertThat(manySlow / manyQuick).as("the prior matters less once history is long")
        .isLessThan(fewSlow / fewQuick);
  }

  @Test
  void theSlowRecordKeepsAGrowingRunOfResidualsRankingAsRecords() {
    ResidualRanks r = filled(2000, 10);
    double plainBefore = r.maxSeen;
    assertThat(r.slowRecord).isPositive().isLessThanOrEqualTo(plainBefore);
    assertThat(r.pValueSlowRecord(3 * plainBefore)).isLessThanOrEqualTo(r.pValue(3 * plainBefore));
    double slowBefore = r.slowRecord;
    // an incident building up: each residual twice the last
    double z = plainBefore;
    for (int i = 0; i < 4; i++) {
      z *= 2;
      r.add(z);
    }
    double next = 1.5 * z;
    assertThat(r.maxSeen).isEqualTo(z);
    assertThat(r.slowRecord).isLessThan(slowBefore * Math.pow(ResidualRanks.SLOW_RECORD_GROWTH, 4) * 1.0001);
    assertThat(r.pValueSlowRecord(next)).isLessThan(r.pValue(next) / 100);
    assertThat(r.quantileSlowRecord(1e-4)).isLessThan(r.quantile(1e-4));
  }

  @Test
  void aStateSavedBeforeTheSlowRecordStartsItFromTheRecord() {
    ResidualRanks r = filled(2000, 10);
    r.slowRecord = 0;   // as Jackson restores a state that has no such field
    assertThat(r.pValueSlowRecord(5)).isEqualTo(r.pValue(5));
    r.add(0.5);
    assertThat(r.slowRecord).isGreaterThan(0.9 * r.maxSeen);
  }
}
