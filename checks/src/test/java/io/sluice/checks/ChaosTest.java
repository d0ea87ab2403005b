package io.sluice.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.util.HadoopConfs;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.upserts.MiniBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos tests: a clean two-week event history, then one incident class at a time injected into the
 * real pipeline (ingest, Hudi upsert, incremental metrics, checks). Each must fire the right check on
 * the right window, segment or column; clean batches must raise no critical finding. Scenarios share
 * one pipeline and follow each other in event time, each in its own 3-hour slot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR = 3_600_000L;
  private static final int HISTORY_DAYS = 14;
  private static final int PER_HOUR = 240;
  private static final String[] PLATFORMS = {"ios", "android", "web"};
  private static final String[] TYPES = {"view", "click", "order"};

  @TempDir static Path dir;
  private PipelineSpec spec;
  private Configuration conf;
  private Path landing;
  private MiniBatch batch;
  private MetricWindowRecompute metrics;
  private ChecksStage checks;
  private Instant start;
  private long slot;
  private long seq;
  private int file;
  private final Map<String, String> outcome = new LinkedHashMap<>();
  private final List<CheckResult> cleanFindings = new ArrayList<>();
  private double cleanDays;
  private Instant now;

  @BeforeAll
  void history() throws IOException {
    Path schema = Path.of(System.getProperty("sluice.repo.root"), "conf", "demo.avsc");
    String yaml = """
        name: chaos
        work-dir: %s
        source: {format: jsonl, schema: %s}
        table: {name: chaos_events, record-key: [event_id], ordering-field: updated_at, event-time-field: event_time,
                delete-field: deleted}
        metrics:
          allowed-lateness: 30m
          definitions:
            - {name: by_platform, grain: 1h, dimensions: [platform], measures: [count, p50(latency_ms)]}
            - {name: orders, grain: 1h, filter: "event_type == 'order'", measures: [count, sum(amount)]}
        checks:
          volume: {max-drop: 0.25}
          alerts: {sinks: [{type: jsonl, path: alerts.jsonl, min-severity: critical}]}
        """.formatted(dir.resolve("work"), schema);
    Path specFile = dir.resolve("chaos.yaml");
    Files.writeString(specFile, yaml);
    spec = SpecLoader.load(specFile);
    conf = HadoopConfs.of(spec);
    landing = Path.of(java.net.URI.create(spec.source().landingDir()));
    Files.createDirectories(landing);
    batch = new MiniBatch(spec, conf);
    metrics = new MetricWindowRecompute(spec, conf);
    start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(HISTORY_DAYS + 2));
    for (int d = 0; d < HISTORY_DAYS; d++) {
      List<String> lines = new ArrayList<>();
      for (int h = 0; h < 24; h++) {
        lines.addAll(hour(start.plus(Duration.ofHours(d * 24L + h)), PER_HOUR, e -> e));
      }
      write(lines);
    }
    slot = HISTORY_DAYS * 24L;
    run(start.plus(Duration.ofHours(slot)));
  }

  /** Events of one hour: daily and weekly seasonality, three platforms, lognormal latency. */
  private List<String> hour(Instant h, int perHour, UnaryOperator<ObjectNode> edit) {
    SplittableRandom rnd = new SplittableRandom(h.toEpochMilli());
    int hourOfDay = h.atZone(ZoneOffset.UTC).getHour();
    boolean weekend = h.atZone(ZoneOffset.UTC).getDayOfWeek().getValue() >= 6;
    int n = (int) Math.round(perHour * (1 + 0.5 * Math.sin(2 * Math.PI * (hourOfDay - 9) / 24.0)) * (weekend ? 0.8 : 1));
    List<String> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      long ts = h.toEpochMilli() + rnd.nextLong(HOUR);
      ObjectNode e = JSON.createObjectNode();
      e.put("event_id", "e-" + (seq++));
      e.put("user_id", "u" + (int) (Math.pow(rnd.nextDouble(), 2) * 5000));
      String type = TYPES[rnd.nextInt(10) < 6 ? 0 : rnd.nextInt(10) < 8 ? 1 : 2];
      e.put("event_type", type);
      e.put("country", rnd.nextBoolean() ? "DE" : "US");
      double p = rnd.nextDouble();
      e.put("platform", p < 0.35 ? PLATFORMS[0] : p < 0.7 ? PLATFORMS[1] : PLATFORMS[2]);
      if (type.equals("order")) {
        e.put("amount", Math.round(Math.exp(3 + 0.5 * gaussian(rnd)) * 100) / 100.0);
      } else {
        e.putNull("amount");
      }
      e.put("latency_ms", Math.round(Math.exp(5 + 0.4 * gaussian(rnd))));
      e.put("event_time", ts);
      e.put("updated_at", ts);
      ObjectNode edited = edit.apply(e);
      if (edited != null) {
        out.add(edited.toString());
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom rnd) {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  private Path write(List<String> lines) throws IOException {
    Path tmp = landing.resolve(".tmp-" + file);
    Files.write(tmp, lines);
    Path f = landing.resolve(String.format("events-%05d.jsonl", file++));
    Files.move(tmp, f);
    return f;
  }

  /** Runs one mini-batch through every stage with the clock 5 minutes after {@code dataEnd}. */
  private ChecksReport run(Instant dataEnd) {
    now = dataEnd.plus(Duration.ofMinutes(5));
    batch.runOnce();
    metrics.incremental();
    checks = new ChecksStage(spec, conf).withClock(Clock.fixed(now, ZoneOffset.UTC));
    return checks.run();
  }

  /** Writes the next 3-hour slot with {@code edit} applied to the middle hour's events, and runs it. */
  private ChecksReport slot(UnaryOperator<ObjectNode> middle, double middleRate) throws IOException {
    return slot(middle, middleRate, false);
  }

  /** As above; with {@code allHours} the edit applies to the whole slot (a producer change that stays). */
  private ChecksReport slot(UnaryOperator<ObjectNode> edit, double middleRate, boolean allHours) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int h = 0; h < 3; h++) {
      Instant t = start.plus(Duration.ofHours(slot + h));
      lines.addAll(h == 1 ? hour(t, (int) (PER_HOUR * middleRate), edit) : hour(t, PER_HOUR, allHours ? edit : e -> e));
    }
    write(lines);
    slot += 3;
    return run(start.plus(Duration.ofHours(slot)));
  }

  private long middleHour() {
    return start.plus(Duration.ofHours(slot - 2)).toEpochMilli();
  }

  private static List<CheckResult> failed(ChecksReport r, Severity min) {
    return r.failures().stream().filter(f -> f.level().atLeast(min)).toList();
  }

  private void record(String incident, ChecksReport r, Predicate<CheckResult> expected) {
    List<CheckResult> hits = r.failures().stream().filter(expected).toList();
    outcome.put(incident, hits.isEmpty() ? "MISSED" : hits.get(0).severity() + " " + hits.get(0).check());
    assertThat(hits).as("%s should fire; findings were: %s", incident,
        r.failures().stream().map(CheckResult::message).toList()).isNotEmpty();
  }

  @Test
  @Order(1)
  void cleanDayRaisesNoCriticalFinding() throws IOException {
    ChecksReport r = null;
    for (int i = 0; i < 8; i++) {
      r = slot(e -> e, 1.0);
      cleanFindings.addAll(r.failures());
      assertThat(failed(r, Severity.CRITICAL)).as("clean slot %d", i).isEmpty();
    }
    // Saved detector state: later runs continue each series instead of refitting over all history.
    assertThat(r.results()).anyMatch(f -> f.check().equals(MetricAnomalyCheck.NAME) && "passed".equals(f.status())
        && f.message().matches(".*\\((?!0 )\\d+ continued from saved state.*"));
    cleanDays = 1.0;
  }

  @Test
  @Order(2)
  void missingHour() throws IOException {
    ChecksReport r = slot(e -> null, 1.0);
    long w = middleHour();
    record("missing hour", r, f -> f.check().equals(VolumeCheck.MISSING) && Long.valueOf(w).equals(f.windowStart())
        && f.level() == Severity.CRITICAL);
    // The gate failed, so the heavier checks on that window were skipped, not run on incomplete data.
    assertThat(r.results()).anyMatch(f -> f.check().equals(MetricAnomalyCheck.NAME) && "skipped".equals(f.status())
        && Long.valueOf(w).equals(f.windowStart()));
  }

  @Test
  @Order(3)
  void vanishedSegment() throws IOException {
    ChecksReport r = slot(e -> e.get("platform").asText().equals("android") ? null : e, 1.55);
    long w = middleHour();
    record("vanished segment", r, f -> f.check().equals(SegmentCheck.NAME) && "platform=android".equals(f.dims())
        && Long.valueOf(w).equals(f.windowStart()) && f.level() == Severity.CRITICAL);
  }

  @Test
  @Order(4)
  void nullSpike() throws IOException {
    ChecksReport r = slot(e -> e.get("event_id").asText().hashCode() % 3 == 0 ? e.putNull("latency_ms") : e, 1.0);
    record("null spike", r, f -> f.check().equals(ColumnQualityCheck.NULL_RATE) && "latency_ms".equals(f.column())
        && f.level() == Severity.CRITICAL);
  }

  @Test
  @Order(5)
  void duplicatedBatch() throws IOException {
    Path last = landing.resolve(String.format("events-%05d.jsonl", file - 1));
    Files.copy(last, landing.resolve(String.format("events-%05d-redelivered.jsonl", file - 1)));
    ChecksReport r = run(now.minus(Duration.ofMinutes(5)));
    record("duplicated batch", r, f -> f.check().equals(BatchDeliveryCheck.DUPLICATES) && f.level() == Severity.CRITICAL);
  }

  @Test
  @Order(6)
  void unitChange() throws IOException {
    ChecksReport r = slot(e -> e.put("latency_ms", e.get("latency_ms").asLong() * 1000), 1.0, true);
    record("unit change", r, f -> f.check().equals(ColumnQualityCheck.UNIT_CHANGE) && "latency_ms".equals(f.column())
        && f.level() == Severity.CRITICAL && f.message().contains("milliseconds"));
  }

  @Test
  @Order(7)
  void distributionShift() throws IOException {
    ChecksReport r = slot(e -> e.put("latency_ms", Math.round(e.get("latency_ms").asLong() * 1.8 + 50)), 1.0);
    record("distribution shift", r, f -> f.check().equals(ColumnQualityCheck.DISTRIBUTION)
        && "latency_ms".equals(f.column()));
    assertThat(r.failures()).noneMatch(f -> f.check().equals(ColumnQualityCheck.UNIT_CHANGE));
  }

  @Test
  @Order(8)
  void volumeDropOf30Percent() throws IOException {
    ChecksReport r = slot(e -> e, 0.7);
    long w = middleHour();
    record("volume drop 30%", r, f -> f.check().equals(VolumeCheck.NAME) && Long.valueOf(w).equals(f.windowStart())
        && f.level() == Severity.CRITICAL);
  }

  @Test
  @Order(9)
  void lateBatchForAnOldDay() throws IOException {
    Instant oldDay = start.plus(Duration.ofDays(HISTORY_DAYS - 5));
    List<String> lines = new ArrayList<>();
    for (int h = 10; h < 14; h++) {
      lines.addAll(hour(oldDay.plus(Duration.ofHours(h)), PER_HOUR, e -> e));
    }
    write(lines);
    ChecksReport r = run(now.minus(Duration.ofMinutes(5)));
    String dt = "dt=" + oldDay.toString().substring(0, 10);
    record("late batch for an old day", r, f -> f.check().equals(BatchDeliveryCheck.LATE) && dt.equals(f.partition()));
  }

  @Test
  @Order(10)
  void newUnexpectedColumn() throws IOException {
    ChecksReport r = slot(e -> e.put("session_id", "s-" + e.get("user_id").asText()), 1.0);
    record("new column", r, f -> f.check().equals(BatchDeliveryCheck.DRIFT) && "session_id".equals(f.column())
        && f.level() == Severity.CRITICAL);
    // Records in = written + quarantined: the drifted records wait in the quarantine table.
    assertThat(r.failures()).anyMatch(f -> f.message().contains("quarantined"));
  }

  @Test
  @Order(11)
  void criticalAlertsReachTheJsonLinesSink() throws IOException {
    Path alerts = Path.of(java.net.URI.create(spec.workDir())).resolve("alerts.jsonl");
    List<String> lines = Files.readAllLines(alerts);
    assertThat(lines).isNotEmpty();
    assertThat(lines).allSatisfy(l -> assertThat(JSON.readTree(l).get("severity").asText()).isEqualTo("critical"));
    assertThat(lines).anyMatch(l -> l.contains("missing_window") && l.contains("SELECT"));
  }

  @Test
  @Order(12)
  void htmlReportShowsTheFlaggedSeriesAndFindings() throws IOException {
    Path out = dir.resolve("report.html");
    io.sluice.checks.report.HtmlReport.Summary s = new io.sluice.checks.report.HtmlReport(spec, conf)
        .write(out, 30, Clock.fixed(now, ZoneOffset.UTC));
    String html = Files.readString(out);
    assertThat(s.charts()).isGreaterThan(0);
    assertThat(s.critical()).isGreaterThan(0);
    assertThat(html).contains("data:image/png;base64,").contains("missing_window").contains("unit_change")
        .contains("SELECT").doesNotContain("src=\"http");
  }

  @Test
  @Order(13)
  void rerunningARunRewritesTheSameRows() {
    CheckResultsTable t = checks.resultsTable();
    long before = t.read(null).size();
    // Nothing new: only the freshness gate runs, under the same run id, so its row is replaced, not added.
    ChecksReport again = new ChecksStage(spec, conf).withClock(Clock.fixed(now, ZoneOffset.UTC)).run();
    assertThat(again.nothingNew()).isTrue();
    assertThat(t.read(null)).hasSize((int) before);
  }

  @AfterAll
  void report() throws IOException {
    long caught = outcome.values().stream().filter(v -> !v.equals("MISSED")).count();
    StringBuilder sb = new StringBuilder("incident,outcome\n");
    outcome.forEach((k, v) -> sb.append(k).append(',').append(v).append('\n'));
    sb.append(String.format("sensitivity,%d/%d%n", caught, outcome.size()));
    sb.append(String.format("false_alerts_per_clean_day,warn=%.1f critical=%.1f%n",
        cleanDays == 0 ? 0 : cleanFindings.stream().filter(f -> f.level() == Severity.WARN).count() / cleanDays,
        cleanDays == 0 ? 0 : cleanFindings.stream().filter(f -> f.level() == Severity.CRITICAL).count() / cleanDays));
    Path out = Path.of("target", "chaos-report.csv");
    Files.createDirectories(out.getParent());
    Files.writeString(out, sb.toString());
    System.out.print(sb);
    cleanFindings.forEach(f -> System.out.println("clean-day finding: " + f.severity() + " " + f.message()));
  }
}
