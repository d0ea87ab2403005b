package io.sluice.checks.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sluice.checks.CheckResult;
import io.sluice.checks.Severity;
import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.TableSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert routing against a real HTTP server: retries, auth, throttling, escalation, subscriptions. */
class AlertRouterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static HttpServer server;
  private static final AtomicInteger failFirst = new AtomicInteger();
  private static final List<String> bodies = new CopyOnWriteArrayList<>();
  private static final List<String> auth = new CopyOnWriteArrayList<>();
  private static final AtomicInteger attempts = new AtomicInteger();

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", ex -> {
      attempts.incrementAndGet();
      byte[] body = ex.getRequestBody().readAllBytes();
      int code = failFirst.getAndDecrement() > 0 ? 503 : 200;
      if (code == 200) {
        bodies.add(new String(body, StandardCharsets.UTF_8));
        auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      }
      ex.sendResponseHeaders(code, -1);
      ex.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private PipelineSpec spec(List<ChecksSpec.Sink> sinks) {
    ChecksSpec checks = new ChecksSpec(null, null, null, null, null, null, null, null,
        new ChecksSpec.Alerts(Duration.ofHours(6), sinks));
    TableSpec table = new TableSpec("ev", null, null, List.of("id"), "v", "event_time", null, null, null, null);
    return new PipelineSpec("p", "file://" + dir, null, table, null, checks, null, null, null, null, null, null);
  }

  private static CheckResult finding(String check, Severity s, String dims) {
    return CheckResult.of(check, CheckResult.COMPLETENESS, "ev").series("m", dims).window(0, 3_600_000)
        .partition("dt=1970-01-01").values(0, 100, 70, 300).build("run1", s, "failed", check + " broke", 0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?key=secret";
  }

  @Test
  void webhookRetriesServerErrorsAndSendsJson() throws Exception {
    bodies.clear();
    attempts.set(0);
    failFirst.set(2);
    ChecksSpec.Sink hook = new ChecksSpec.Sink("ops", "webhook", null, url(), null, "warn", null, null, 4);
    Clock clock = Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC);
    Map<String, Integer> sent = new AlertRouter(spec(List.of(hook)), new Configuration(), clock)
        .route(List.of(finding("missing_window", Severity.CRITICAL, "")));
    assertThat(sent).containsEntry("ops", 1);
    assertThat(attempts.get()).isEqualTo(3);
    JsonNode alert = JSON.readTree(bodies.get(0));
    assertThat(alert.get("severity").asText()).isEqualTo("critical");
    assertThat(alert.get("findings").get(0).get("expected").asDouble()).isEqualTo(100);
    assertThat(alert.get("sql").asText()).contains("FROM p_metrics").contains("metric = 'm'");
  }

  @Test
  void deliveryFailureIsCountedNotThrown() {
    failFirst.set(100);
    ChecksSpec.Sink hook = new ChecksSpec.Sink("ops", "webhook", null, url(), null, "warn", null, null, 2);
    Map<String, Integer> sent = new AlertRouter(spec(List.of(hook)), new Configuration(), Clock.systemUTC())
        .route(List.of(finding("volume", Severity.WARN, "")));
    assertThat(sent).containsEntry("ops.failed", 1);
    failFirst.set(0);
  }

  @Test
  void openIncidentsAreThrottledUntilTheyEscalateOrRepeatAfterPasses() throws IOException {
    ChecksSpec.Sink file = new ChecksSpec.Sink("file", "jsonl", "alerts.jsonl", null, null, "warn", null, null, null);
    PipelineSpec spec = spec(List.of(file));
    Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
    List<CheckResult> warn = List.of(finding("segment", Severity.WARN, "platform=android"));
    List<CheckResult> crit = List.of(finding("segment", Severity.CRITICAL, "platform=android"));
    AlertRouter at0 = new AlertRouter(spec, new Configuration(), Clock.fixed(t0, ZoneOffset.UTC));
    assertThat(at0.route(warn)).containsEntry("file", 1);
    AlertRouter at1 = new AlertRouter(spec, new Configuration(), Clock.fixed(t0.plusSeconds(600), ZoneOffset.UTC));
    assertThat(at1.route(warn)).isEmpty();                       // same open incident: throttled
    assertThat(at1.route(crit)).containsEntry("file", 1);         // escalated: sent
    AlertRouter at7h = new AlertRouter(spec, new Configuration(), Clock.fixed(t0.plusSeconds(7 * 3600), ZoneOffset.UTC));
    assertThat(at7h.route(crit)).containsEntry("file", 1);        // repeat-after (6h) passed: sent again
    List<String> lines = Files.readAllLines(dir.resolve("alerts.jsonl"));
    assertThat(lines).hasSize(3);
    JsonNode last = JSON.readTree(lines.get(2));
    assertThat(last.get("history")).isNotEmpty();                 // carries the incident's recent history
  }

  @Test
  void subscriptionsFilterBySeverityAndCheck() {
    ChecksSpec.Sink onlyCritical = new ChecksSpec.Sink("pager", "jsonl", "pager.jsonl", null, null, "critical", null, null, null);
    ChecksSpec.Sink onlyNulls = new ChecksSpec.Sink("dq", "jsonl", "dq.jsonl", null, null, "warn", null, List.of("null_rate"), null);
    Map<String, Integer> sent = new AlertRouter(spec(List.of(onlyCritical, onlyNulls)), new Configuration(),
        Clock.systemUTC()).route(List.of(finding("volume", Severity.WARN, ""), finding("null_rate", Severity.WARN, ""),
        finding("missing_window", Severity.CRITICAL, "")));
    assertThat(sent).containsEntry("pager", 1).containsEntry("dq", 1);
  }

  @Test
  void urlsAreMaskedInLogs() {
    assertThat(WebhookAlertSink.masked(URI.create("https://user:pw@hooks.example.com/x/y?token=abc")))
        .isEqualTo("https://hooks.example.com/x/y?***").doesNotContain("abc").doesNotContain("pw");
  }
}
