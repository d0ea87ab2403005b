package io.sluice.checks;

import io.sluice.core.util.Durations;
import java.time.Duration;

/**
 * Gate: the newest event time against the freshness SLA. Runs on every checks run, whether or not
 * anything new arrived, because "nothing arrived" is exactly what it must catch.
 */
final class FreshnessCheck {
  static final String NAME = "freshness";

  void run(CheckContext ctx, String table, long maxEventTime) {
    Duration sla = ctx.spec().checks().freshnessSla();
    CheckResult.Finding f = CheckResult.of(NAME, CheckResult.COMPLETENESS, table);
    if (maxEventTime == Long.MIN_VALUE) {
      ctx.emit(f, Severity.WARN, "failed", table + " has no events yet");
      return;
    }
    long lag = ctx.now() - maxEventTime;
    double lagMinutes = lag / 60_000.0;
    f.values(lagMinutes, 0, 0, sla.toMinutes()).score(Math.min(1, Math.max(0, lag / (2.0 * sla.toMillis()))));
    if (lag <= sla.toMillis()) {
      ctx.pass(f, "newest event is " + Durations.format(Duration.ofMillis(Math.max(0, lag))) + " old (SLA "
          + Durations.format(sla) + ")");
      return;
    }
    Severity s = lag > 2 * sla.toMillis() ? Severity.CRITICAL : Severity.WARN;
    ctx.emit(f, s, "failed", "newest event is " + Durations.format(Duration.ofMillis(lag)) + " old, SLA "
        + Durations.format(sla) + ": the last " + Durations.format(Duration.ofMillis(lag - sla.toMillis()))
        + " beyond the SLA are missing");
  }
}
