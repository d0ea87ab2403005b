package io.sluice.core.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Maps dotted YAML paths ({@code table.record-key[0]}) to the 1-based line where they appear. */
final class YamlLocator {
  private final Map<String, Integer> lines = new HashMap<>();

  YamlLocator(String yaml) {
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart()) {
          String path = path(p.getParsingContext(), t);
          lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException | RuntimeException e) {
      // Syntax errors are reported by the mapper with their own location.
    }
  }

  private static String path(JsonStreamContext ctx, JsonToken t) {
    Deque<String> parts = new ArrayDeque<>();
    JsonStreamContext c = t.isStructStart() ? ctx.getParent() : ctx;
    while (c != null && !c.inRoot()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.addFirst("." + c.getCurrentName());
      } else if (c.inArray()) {
        parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
      c = c.getParent();
    }
    String s = String.join("", parts);
    return s.startsWith(".") ? s.substring(1) : s;
  }

  /** Line of the path, else of its nearest ancestor that appears, else 0. */
  int lineOf(String path) {
    String p = path;
    while (p != null && !p.isEmpty()) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut > 0 ? p.substring(0, cut) : null;
    }
    return 0;
  }
}
