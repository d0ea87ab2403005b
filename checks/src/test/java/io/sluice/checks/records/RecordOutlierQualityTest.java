package io.sluice.checks.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checks.CheckContext;
import io.sluice.checks.CheckResult;
import io.sluice.checks.Severity;
import io.sluice.core.spec.ChecksSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Record scoring on synthetic shop events with injected outliers: after a day of clean hourly
 * batches, each injected class must be found (recall at the threshold, precision at k), and a clean
 * hour must raise no critical finding.
 */
class RecordOutlierQualityTest {
  static final ChecksSpec.Records CFG = new ChecksSpec.Records(true, null, null, "user_id", null, null, null, null,
      null, null, null, null, null);
  static final long DAY0 = 1_790_000_000_000L / 86_400_000L * 86_400_000L;

  /** Quality on one batch: precision among the top k (k = injected), recall at the threshold. */
  record Quality(double precisionAtK, double recall, double maxCleanScore, List<CheckResult> findings) {}

  static SyntheticEvents gen;
  static RecordModel model;
  static int hour;

  @BeforeAll
  static void warmUp() {
    gen = new SyntheticEvents(7);
    RecordBatch first = new RecordBatch(gen.batch(DAY0, 2_000, SyntheticEvents.Outlier.NONE, 0).events(), "user_id");
    model = RecordModel.fresh(first.fit(SyntheticEvents.columns()), CFG, 11, RecordModel.Origin.ONLINE);
    first.scoreThenLearn(model, 0, CFG.updateSample());
    for (hour = 1; hour < 24; hour++) {
      next(SyntheticEvents.Outlier.NONE, 0);
    }
  }

  static Quality next(SyntheticEvents.Outlier kind, int count) {
    SyntheticEvents.Batch b = gen.batch(DAY0 + hour++ * 3_600_000L, 2_000, kind, count);
    List<RecordBatch.Scored> s = new RecordBatch(b.events(), "user_id").scoreThenLearn(model, CFG.top(), CFG.updateSample());
    CheckContext ctx = new CheckContext(null, "run-" + hour, 0);
    new RecordOutlierCheck(CFG).judge(ctx, "events", model, s);
    int k = b.injected().size();
    long hitsAtK = s.stream().limit(k).filter(r -> b.injected().contains(r.key())).count();
    long found = s.stream().filter(r -> r.score() >= CFG.threshold() && b.injected().contains(r.key())).count();
    double maxClean = s.stream().filter(r -> !b.injected().contains(r.key())).mapToDouble(RecordBatch.Scored::score)
        .max().orElse(0);
    return new Quality(k == 0 ? 1 : (double) hitsAtK / k, k == 0 ? 1 : (double) found / k, maxClean, ctx.results());
  }

  @Test
  void cleanHourRaisesNoCriticalFinding() {
    Quality q = next(SyntheticEvents.Outlier.NONE, 0);
    assertThat(q.maxCleanScore()).isLessThan(CFG.critical());
    assertThat(q.findings()).noneMatch(r -> r.level() == Severity.CRITICAL);
    assertThat(q.findings()).anyMatch(r -> r.check().equals(RecordOutlierCheck.CHECK) && "passed".equals(r.status()));
  }

  @Test
  void singleFieldExtremesAreFoundAndExplainedByTheirColumn() {
    Quality q = expectFound(SyntheticEvents.Outlier.EXTREME, 20);
    CheckResult f = q.findings().stream().filter(r -> "failed".equals(r.status())).findFirst().orElseThrow();
    assertThat(f.message()).containsAnyOf("latency_ms=", "amount=");
  }

  @Test
  void impossibleCombinationsAreFound() {
    Quality q = expectFound(SyntheticEvents.Outlier.COMBINATION, 20);
    assertThat(q.findings().stream().filter(r -> "failed".equals(r.status())).findFirst().orElseThrow().message())
        .contains("value combination");
  }

  @Test
  void aBurstFromOneUserIsFound() {
    Quality q = expectFound(SyntheticEvents.Outlier.BURST, 200);
    assertThat(q.findings().stream().filter(r -> "failed".equals(r.status())).findFirst().orElseThrow().message())
        .contains("user_id records per hour");
  }

  private static Quality expectFound(SyntheticEvents.Outlier kind, int count) {
    Quality q = next(kind, count);
    assertThat(q.precisionAtK()).as(kind + " precision@k").isGreaterThanOrEqualTo(0.8);
    assertThat(q.recall()).as(kind + " recall").isGreaterThanOrEqualTo(0.9);
    assertThat(q.findings()).anyMatch(r -> "failed".equals(r.status()) && r.level().atLeast(Severity.WARN));
    return q;
  }

  @Test
  void scoringOnAllCoresGivesTheScoresOfOneCore() {
    SyntheticEvents.Batch b = new SyntheticEvents(3).batch(DAY0, 3_000, SyntheticEvents.Outlier.EXTREME, 10);
    RecordBatch batch = new RecordBatch(b.events(), "user_id");
    java.util.Map<String, Double> parallel = new java.util.HashMap<>();
    batch.scoreThenLearn(model, 0, 0).forEach(s -> parallel.put(s.key(), s.score()));
    double[][] v = batch.vectors(model.features());
    for (int i = 0; i < v.length; i++) {
      assertThat(parallel.get(batch.events().get(i).key())).isEqualTo(model.score(v[i]));
    }
  }

  @Test
  void aStoredModelScoresAndLearnsExactlyLikeTheOriginal() throws Exception {
    RecordModel a = model.seenThrough("20261130000000000");
    RecordModel b = RecordModel.read(new java.io.ByteArrayInputStream(a.toBytes()));
    RecordModel c = RecordModel.read(new java.io.ByteArrayInputStream(a.toBytes()));
    assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
    SyntheticEvents.Batch batch = new SyntheticEvents(99).batch(DAY0, 500, SyntheticEvents.Outlier.EXTREME, 5);
    List<RecordBatch.Scored> sb = new RecordBatch(batch.events(), "user_id").scoreThenLearn(b, 3, CFG.updateSample());
    List<RecordBatch.Scored> sc = new RecordBatch(batch.events(), "user_id").scoreThenLearn(c, 3, CFG.updateSample());
    assertThat(sc).isEqualTo(sb);
    assertThat(c.seenThrough("x").fingerprint()).isEqualTo(b.seenThrough("x").fingerprint())
        .isNotEqualTo(a.seenThrough("x").fingerprint());
  }
}
