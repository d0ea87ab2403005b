package io.sluice.checks;

import java.util.Locale;

/** How bad a finding is. Ordered: {@code ok < warn < critical}. */
public enum Severity {
  OK, WARN, CRITICAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
