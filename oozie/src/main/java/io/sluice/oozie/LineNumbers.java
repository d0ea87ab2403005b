package io.sluice.oozie;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Finds the source line of a named workflow node, so problems point at a line a person can open. */
final class LineNumbers {
  private static final String KEY = "sluice.lines";

  private LineNumbers() {}

  static void annotate(Document d, Path file) throws IOException {
    d.setUserData(KEY, Files.readAllLines(file), null);
  }

  /** Line of the nearest enclosing element that has a {@code name} attribute; 0 when unknown. */
  @SuppressWarnings("unchecked")
  static int of(Element e) {
    List<String> lines = (List<String>) e.getOwnerDocument().getUserData(KEY);
    Node n = e;
    while (n instanceof Element el && el.getAttribute("name").isEmpty()) {
      n = n.getParentNode();
    }
    if (lines == null || !(n instanceof Element named)) {
      return 0;
    }
    String needle = "name=\"" + named.getAttribute("name") + "\"";
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(needle) && lines.get(i).contains("<" + named.getTagName())) {
        return i + 1;
      }
    }
    return 0;
  }
}
