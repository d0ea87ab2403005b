package io.sluice.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Schema drift in the source, read off the reasons records were quarantined: fields the schema does
 * not know ({@code new:<field>}), required fields that stopped arriving ({@code missing:<field>}) and
 * fields whose values no longer have the schema's type ({@code retyped:<field>}); plus fields the
 * schema does not know that {@code allow-unknown-fields} dropped from kept records ({@code ignored:<field>}).
 */
public final class SourceDrift {
  private static final Pattern UNKNOWN = Pattern.compile("^unknown fields? (.+)$");
  private static final Pattern QUOTED = Pattern.compile("'([^']+)'");
  private static final Pattern MISSING = Pattern.compile("^missing required field '([^']+)'");
  private static final Pattern TYPED = Pattern.compile("^field '([^']+)': expected ");

  private SourceDrift() {}

  /** The drift keys one quarantine reason stands for; empty when the reason is not drift. */
  public static List<String> classify(String error) {
    List<String> out = new ArrayList<>();
    Matcher m = UNKNOWN.matcher(error);
    if (m.find()) {
      Matcher q = QUOTED.matcher(m.group(1));
      while (q.find()) {
        out.add("new:" + q.group(1));
      }
      return out;
    }
    m = MISSING.matcher(error);
    if (m.find()) {
      out.add("missing:" + m.group(1));
      return out;
    }
    m = TYPED.matcher(error);
    if (m.find()) {
      out.add("retyped:" + m.group(1));
    }
    return out;
  }

  /** Drift keys with the number of records showing each. */
  public static Map<String, Long> count(List<QuarantinedRecord> quarantined, Map<String, Long> ignoredFields) {
    Map<String, Long> out = new TreeMap<>();
    ignoredFields.forEach((field, n) -> out.put("ignored:" + field, n));
    for (QuarantinedRecord q : quarantined) {
      for (String k : classify(q.error())) {
        out.merge(k, 1L, Long::sum);
      }
    }
    return out;
  }
}
