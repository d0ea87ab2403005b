package io.sluice.checks.alerts;

import io.sluice.checks.CheckResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes alerts to the log (logger {@code io.sluice.alerts}): WARN for warn, ERROR for critical. */
final class LogAlertSink implements AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger("io.sluice.alerts");
  private final String name;

  LogAlertSink(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Alert a) {
    StringBuilder sb = new StringBuilder("[").append(a.pipeline()).append("] ").append(a.severity().toUpperCase())
        .append(' ').append(a.title());
    for (CheckResult f : a.findings()) {
      sb.append("\n  - ").append(f.message());
    }
    sb.append("\n  query: ").append(a.sql());
    if ("critical".equals(a.severity())) {
      LOG.error("{}", sb);
    } else {
      LOG.warn("{}", sb);
    }
  }
}
