package io.sluice.core.spec;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * A metric's filter, an Apache Commons JEXL expression over one event's fields, e.g.
 * {@code event_type == 'order' && amount > 10}. Side effects, loops, lambdas and Java access are
 * disabled: a filter can only read fields and compare them.
 */
public final class EventFilter {
  private static final JexlEngine ENGINE = new JexlBuilder()
      .permissions(JexlPermissions.RESTRICTED)
      .features(new JexlFeatures().sideEffect(false).sideEffectGlobal(false).loops(false).lambda(false)
          .newInstance(false).methodCall(false).structuredLiteral(false).script(false).register(false)
          .pragma(false).annotation(false).importPragma(false).namespacePragma(false))
      .strict(false).silent(false).safe(true).cache(64).create();

  private final String text;
  private final JexlScript script;

  private EventFilter(String text, JexlScript script) {
    this.text = text;
    this.script = script;
  }

  /** Compiles a filter; {@link IllegalArgumentException} with the reason when it is not valid. */
  public static EventFilter compile(String text) {
    try {
      return new EventFilter(text, ENGINE.createScript(text));
    } catch (JexlException e) {
      throw new IllegalArgumentException("filter '" + text + "' is not a valid expression: " + e.getMessage());
    }
  }

  /** Top-level field names the filter reads. */
  public Set<String> fields() {
    Set<String> out = new TreeSet<>();
    for (List<String> v : script.getVariables()) {
      out.add(v.get(0));
    }
    return out;
  }

  /** True when the event passes; a non-boolean result or an evaluation error counts as false. */
  public boolean test(Map<String, Object> event) {
    try {
      return Boolean.TRUE.equals(script.execute(new MapContext(event)));
    } catch (JexlException e) {
      return false;
    }
  }

  /**
   * This filter for one thread, remembering its verdict per combination of the values of the fields
   * it reads, up to {@code limit} combinations (then it evaluates every event). A filter can only
   * read those fields and compare them, so equal values give the same verdict; on a field like
   * {@code event_type} this skips JEXL's per-evaluation interpreter for almost every event.
   */
  public Predicate<Map<String, Object>> memoized(int limit) {
    String[] read = fields().toArray(String[]::new);
    Map<Object, Boolean> verdicts = new HashMap<>();
    return new Predicate<>() {
      private boolean full;

      @Override
      public boolean test(Map<String, Object> event) {
        if (full) {
          return EventFilter.this.test(event);
        }
        Object key;
        if (read.length == 1) {
          key = event.get(read[0]);
        } else {
          Object[] values = new Object[read.length];
          for (int i = 0; i < read.length; i++) {
            values[i] = event.get(read[i]);
          }
          key = Arrays.asList(values);
        }
        Boolean verdict = verdicts.get(key);
        if (verdict == null) {
          verdict = EventFilter.this.test(event);
          if (verdicts.size() < limit) {
            verdicts.put(key, verdict);
          } else {
            full = true;
            verdicts.clear();
          }
        }
        return verdict;
      }
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
