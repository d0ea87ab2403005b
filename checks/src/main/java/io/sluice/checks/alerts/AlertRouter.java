package io.sluice.checks.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.checks.CheckResult;
import io.sluice.checks.Severity;
import io.sluice.checks.StateFile;
import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.PipelineSpec;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes failed findings to the subscribed sinks. Findings of the same incident in one run become one
 * alert; an incident that is still open is alerted again only when it escalates or after
 * {@code repeat-after}. Open incidents live in {@code incidents.json} in the checks state directory.
 * Delivery failures are logged and counted, never thrown: alerts must not fail the data pipeline.
 */
public final class AlertRouter {
  private static final Logger LOG = LoggerFactory.getLogger(AlertRouter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HISTORY = 5;

  /** An open incident. */
  static final class Incident {
    @JsonProperty("first_seen") long firstSeen;
    @JsonProperty("last_seen") long lastSeen;
    @JsonProperty("last_alerted") long lastAlerted;
    @JsonProperty("severity") String severity;
    @JsonProperty("history") List<String> history = new ArrayList<>();
  }

  private final PipelineSpec spec;
  private final Configuration conf;
  private final Clock clock;
  private final List<Map.Entry<ChecksSpec.Sink, AlertSink>> sinks = new ArrayList<>();
  private final Path stateFile;

  public AlertRouter(PipelineSpec spec, Configuration conf, Clock clock) {
    this.spec = spec;
    this.conf = conf;
    this.clock = clock;
    this.stateFile = new Path(spec.checksStateDir(), "incidents.json");
    for (ChecksSpec.Sink s : spec.checks().alerts().sinks()) {
      sinks.add(Map.entry(s, create(s)));
    }
  }

  private AlertSink create(ChecksSpec.Sink s) {
    return switch (s.type()) {
      case "jsonl" -> new JsonLinesAlertSink(s.name(), s.resolvedPath(spec.workDir()), conf);
      case "webhook" -> new WebhookAlertSink(s.name(), s.url(),
          s.tokenEnv() == null ? null : System.getenv(s.tokenEnv()), s.retries(), Duration.ofMillis(500));
      default -> new LogAlertSink(s.name());
    };
  }

  /** Sends the alerts due for {@code results}; returns how many each sink delivered. */
  public Map<String, Integer> route(List<CheckResult> results) {
    long now = clock.millis();
    Map<String, List<CheckResult>> byIncident = new LinkedHashMap<>();
    for (CheckResult r : results) {
      if ("failed".equals(r.status()) && r.level().atLeast(Severity.WARN)) {
        byIncident.computeIfAbsent(r.incidentKey(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, Incident> open = load();
    long repeat = spec.checks().alerts().repeatAfter().toMillis();
    // Incidents not seen for longer than repeat-after are closed; a later recurrence opens a new one.
    open.entrySet().removeIf(e -> !byIncident.containsKey(e.getKey()) && now - e.getValue().lastSeen > repeat);
    Map<String, Integer> sent = new TreeMap<>();
    for (Map.Entry<String, List<CheckResult>> e : byIncident.entrySet()) {
      List<CheckResult> fs = e.getValue();
      Severity worst = fs.stream().map(CheckResult::level).max(Enum::compareTo).orElseThrow();
      Incident inc = open.computeIfAbsent(e.getKey(), k -> {
        Incident i = new Incident();
        i.firstSeen = now;
        i.lastAlerted = Long.MIN_VALUE / 2;
        i.severity = "ok";
        return i;
      });
      boolean escalated = worst.compareTo(Severity.of(inc.severity)) > 0;
      boolean due = escalated || now - inc.lastAlerted >= repeat;
      inc.lastSeen = now;
      Alert alert = new Alert(spec.name(), e.getKey(), worst.label(), title(fs.get(0), fs.size()), fs,
          List.copyOf(inc.history), Queries.forFinding(spec, fs.get(0)));
      for (CheckResult f : fs) {
        inc.history.add(0, f.message());
      }
      while (inc.history.size() > HISTORY) {
        inc.history.remove(inc.history.size() - 1);
      }
      if (!due) {
        LOG.debug("incident {} still open; alerted {} s ago, not repeating", e.getKey(), (now - inc.lastAlerted) / 1000);
        continue;
      }
      inc.lastAlerted = now;
      inc.severity = worst.label();
      for (Map.Entry<ChecksSpec.Sink, AlertSink> s : sinks) {
        if (!subscribed(s.getKey(), fs.get(0), worst)) {
          continue;
        }
        try {
          s.getValue().send(alert);
          sent.merge(s.getValue().name(), 1, Integer::sum);
        } catch (Exception ex) {
          LOG.error("alert sink {} could not deliver '{}': {}", s.getValue().name(), alert.title(), ex.getMessage());
          sent.merge(s.getValue().name() + ".failed", 1, Integer::sum);
        }
      }
    }
    save(open);
    return sent;
  }

  static boolean subscribed(ChecksSpec.Sink s, CheckResult f, Severity worst) {
    return worst.atLeast(Severity.of(s.minSeverity()))
        && (s.tables().isEmpty() || s.tables().contains(f.tableName()))
        && (s.checks().isEmpty() || s.checks().contains(f.check()));
  }

  private static String title(CheckResult f, int n) {
    StringBuilder t = new StringBuilder(f.check()).append(" on ").append(f.tableName());
    if (f.metric() != null) {
      t.append(' ').append(f.metric());
    }
    if (f.dims() != null && !f.dims().isEmpty()) {
      t.append(" [").append(f.dims()).append(']');
    }
    if (f.column() != null) {
      t.append(" column ").append(f.column());
    }
    return n > 1 ? t.append(" (").append(n).append(" findings)").toString() : t.toString();
  }

  private Map<String, Incident> load() {
    try {
      Map<String, Incident> m = StateFile.read(stateFile, conf, in -> JSON.<Map<String, Incident>>readValue(in,
          JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, Incident.class))).orElseGet(TreeMap::new);
      return new TreeMap<>(m);
    } catch (IOException e) {
      LOG.warn("cannot read open incidents from {} ({}); treating every incident as new", stateFile, e.getMessage());
      return new TreeMap<>();
    }
  }

  private void save(Map<String, Incident> open) {
    try {
      StateFile.write(stateFile, conf, out -> JSON.writeValue(out, open));
    } catch (IOException e) {
      LOG.warn("cannot save open incidents to {}: {}", stateFile, e.getMessage());
    }
  }
}
