package io.sluice.checks;

import io.sluice.core.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/** What one checks run knows and collects: the spec, the run's identity and clock, and its findings. */
public final class CheckContext {
  private final PipelineSpec spec;
  private final String runId;
  private final long now;
  private final List<CheckResult> results = new ArrayList<>();
  private final NavigableMap<Long, Long> failedGates = new TreeMap<>();

  public CheckContext(PipelineSpec spec, String runId, long now) {
    this.spec = spec;
    this.runId = runId;
    this.now = now;
  }

  public PipelineSpec spec() {
    return spec;
  }

  public String runId() {
    return runId;
  }

  public long now() {
    return now;
  }

  public List<CheckResult> results() {
    return results;
  }

  /** Records a finding. */
  public CheckResult emit(CheckResult.Finding f, Severity severity, String status, String message) {
    CheckResult r = f.build(runId, severity, status, message, now);
    results.add(r);
    return r;
  }

  /** A passed check. */
  public CheckResult pass(CheckResult.Finding f, String message) {
    return emit(f, Severity.OK, "passed", message);
  }

  /** Records that a heavier check did not judge a window because the window failed the gate. */
  public void skip(String check, String kind, String table, String metric, long start, long end) {
    emit(CheckResult.of(check, kind, table).window(start, end).series(metric, null)
        .partition("dt=" + Windows.day(start)), Severity.OK, "skipped",
        "skipped: " + Windows.describe(start, end - start) + " failed the completeness gate, so it is not judged on incomplete data");
  }

  /** Marks {@code [start, end)} as failing the gate, so heavier checks skip windows overlapping it. */
  public void failGate(long start, long end) {
    failedGates.merge(start, end, Math::max);
  }

  /** Whether {@code [start, end)} overlaps a window that failed the gate. */
  public boolean gateFailed(long start, long end) {
    var before = failedGates.lowerEntry(end);
    while (before != null) {
      if (before.getValue() > start) {
        return true;
      }
      if (before.getKey() <= start - 7L * 86_400_000L) {
        return false;
      }
      before = failedGates.lowerEntry(before.getKey());
    }
    return false;
  }
}
