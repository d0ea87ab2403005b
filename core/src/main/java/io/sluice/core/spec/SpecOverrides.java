package io.sluice.core.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies {@code --set path=value} overrides to a spec's YAML before it is bound and validated, so an
 * override gets the same checks as the file. Paths are dotted ({@code oozie.every}); under the
 * pass-through maps ({@code hudi}, {@code hadoop}, {@code hive.properties}, {@code query.properties}) the
 * rest of the path is one key, dots and all ({@code hudi.hoodie.cleaner.commits.retained}).
 */
final class SpecOverrides {
  private static final Set<String> PASS_THROUGH = Set.of("hudi", "hadoop", "hive.properties", "query.properties");

  private SpecOverrides() {}

  static String apply(String file, String yaml, Map<String, String> overrides, ObjectMapper mapper) {
    JsonNode root;
    try {
      root = mapper.readTree(yaml);
    } catch (JsonProcessingException e) {
      return yaml; // the loader reports the syntax error with its line
    }
    if (root == null || !root.isObject()) {
      root = mapper.createObjectNode();
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      String path = o.getKey().trim();
      if (path.isEmpty() || path.startsWith(".") || path.endsWith(".")) {
        throw new SpecException(file, path, 0, "invalid --set path '" + path + "'", "use e.g. --set oozie.every=10m");
      }
      List<String> sections = new ArrayList<>(List.of(path.split("\\.")));
      String key = sections.remove(sections.size() - 1);
      for (String p : PASS_THROUGH) {
        if (path.startsWith(p + ".")) {
          sections = new ArrayList<>(List.of(p.split("\\.")));
          key = path.substring(p.length() + 1);
        }
      }
      ObjectNode parent = (ObjectNode) root;
      for (String seg : sections) {
        JsonNode child = parent.get(seg);
        if (child == null || child.isNull()) {
          child = parent.putObject(seg);
        } else if (!child.isObject()) {
          throw new SpecException(file, path, 0, "--set " + path + ": '" + seg + "' is a value, not a section",
              "set '" + seg + "' itself, or use a path that exists in conf/reference.yaml");
        }
        parent = (ObjectNode) child;
      }
      parent.set(key, scalar(o.getValue(), mapper));
    }
    try {
      return mapper.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode scalar(String value, ObjectMapper mapper) {
    try {
      JsonNode n = mapper.readTree(value);
      // Scalars keep their YAML type; a flow list or map ([a, b], {k: v}) is taken as such; else plain text.
      boolean flow = value.trim().startsWith("[") || value.trim().startsWith("{");
      return n != null && (n.isValueNode() || flow && n.isContainerNode()) ? n : TextNode.valueOf(value);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(value);
    }
  }
}
