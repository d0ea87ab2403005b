package io.sluice.core.spec;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

  @Override
  public String toString() {
    return text;
  }
}
