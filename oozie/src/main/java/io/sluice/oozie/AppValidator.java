package io.sluice.oozie;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Validates an Oozie application directory: every workflow, coordinator and bundle XML against the XSDs
 * shipped in {@code oozie-client}, then what the XSDs cannot see: transitions to undefined nodes,
 * unreachable nodes, fork/join pairing, {@code ${var}} parameters nobody defines, and app files
 * referenced but missing.
 */
public final class AppValidator {
  /** One problem, located as precisely as the check allows. */
  public record Problem(String file, int line, String message) {
    @Override
    public String toString() {
      return file + (line > 0 ? ":" + line : "") + ": " + message;
    }
  }

  private static final Map<String, String> XSD = Map.of(
      OozieApp.WF, "oozie-workflow-1.0.xsd",
      OozieApp.COORD, "oozie-coordinator-0.5.xsd",
      OozieApp.BUNDLE, "oozie-bundle-0.2.xsd");
  private static final Pattern EL = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern IDENT = Pattern.compile("(?<![\\w.:'\"])([A-Za-z_][\\w.]*)(?![\\w.]*\\s*[(:])");
  private static final Pattern STRING = Pattern.compile("'[^']*'|\"[^\"]*\"");
  private static final Set<String> EL_WORDS = Set.of("eq", "ne", "lt", "gt", "le", "ge", "and", "or", "not",
      "true", "false", "null", "empty", "div", "mod", "instanceof", "MINUTES", "HOURS", "DAYS", "KB", "MB", "GB",
      "TB", "PB", "user.name");

  private final Map<String, Schema> schemas = new HashMap<>();

  /** Validates every {@code *.xml} under {@code appDir} (lib/ excluded); empty when the app is valid. */
  public List<Problem> validate(Path appDir) {
    List<Path> xmls;
    try (Stream<Path> s = Files.walk(appDir)) {
      xmls = s.filter(p -> p.toString().endsWith(".xml") && !appDir.relativize(p).startsWith("lib")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Problem> problems = new ArrayList<>();
    if (xmls.isEmpty()) {
      problems.add(new Problem(appDir.toString(), 0, "no workflow, coordinator or bundle XML found"));
      return problems;
    }
    Set<String> defined = new TreeSet<>(propertyNames(appDir));
    Map<Path, Document> docs = new HashMap<>();
    for (Path x : xmls) {
      String name = appDir.relativize(x).toString();
      Document d = parse(x, name, problems);
      if (d == null) {
        continue;
      }
      String ns = d.getDocumentElement().getNamespaceURI();
      if (!XSD.containsKey(ns)) {
        problems.add(new Problem(name, 0, "unknown root namespace '" + ns + "': expected one of " + XSD.keySet()));
        continue;
      }
      xsd(x, name, ns, problems);
      docs.put(x, d);
      // Configuration a coordinator or bundle hands down defines parameters for what it starts.
      if (!ns.equals(OozieApp.WF)) {
        defined.addAll(childTexts(d.getDocumentElement(), "name", "configuration"));
      }
    }
    for (var e : docs.entrySet()) {
      String name = appDir.relativize(e.getKey()).toString();
      Element root = e.getValue().getDocumentElement();
      Set<String> known = new TreeSet<>(defined);
      known.addAll(childTexts(root, "name", "parameters"));
      if (root.getNamespaceURI().equals(OozieApp.WF)) {
        graph(name, root, problems);
      }
      parameters(name, root, known, problems);
      files(appDir, name, root, problems);
    }
    return problems;
  }

  private static Document parse(Path x, String name, List<Problem> problems) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document d = f.newDocumentBuilder().parse(x.toFile());
      LineNumbers.annotate(d, x);
      return d;
    } catch (SAXParseException e) {
      problems.add(new Problem(name, e.getLineNumber(), "not well-formed XML: " + e.getMessage()));
    } catch (Exception e) {
      problems.add(new Problem(name, 0, "cannot read: " + e.getMessage()));
    }
    return null;
  }

  private void xsd(Path x, String name, String ns, List<Problem> problems) {
    Validator v = schema(ns).newValidator();
    v.setErrorHandler(new ErrorHandler() {
      @Override
      public void warning(SAXParseException e) {}

      @Override
      public void error(SAXParseException e) {
        problems.add(new Problem(name, e.getLineNumber(), "XSD " + XSD.get(ns) + ": " + e.getMessage()));
      }

      @Override
      public void fatalError(SAXParseException e) {
        error(e);
      }
    });
    try {
      v.validate(new StreamSource(x.toFile()));
    } catch (SAXParseException e) {
      // already reported through the handler
    } catch (Exception e) {
      problems.add(new Problem(name, 0, "XSD validation failed: " + e.getMessage()));
    }
  }

  private synchronized Schema schema(String ns) {
    return schemas.computeIfAbsent(ns, n -> {
      try {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        // The SLA schema is a separate namespace the app XSDs admit through xs:any.
        return f.newSchema(new StreamSource[] {source(XSD.get(n)), source("oozie-sla-0.2.xsd")});
      } catch (Exception e) {
        throw new IllegalStateException("cannot load " + XSD.get(n) + " from oozie-client: " + e.getMessage(), e);
      }
    });
  }

  private static StreamSource source(String xsd) {
    URL u = org.apache.oozie.client.OozieClient.class.getClassLoader().getResource(xsd);
    if (u == null) {
      throw new IllegalStateException(xsd + " is not on the classpath (it ships in oozie-client)");
    }
    return new StreamSource(u.toExternalForm());
  }

  /** Transitions go to defined nodes, every node is reachable from start, forks meet one join. */
  private static void graph(String file, Element root, List<Problem> problems) {
    Map<String, Element> nodes = new HashMap<>();
    Map<String, List<String>> edges = new HashMap<>();
    String start = null;
    for (Element n : children(root)) {
      String kind = n.getLocalName();
      if (kind.equals("start")) {
        start = n.getAttribute("to");
        continue;
      }
      String nm = n.getAttribute("name");
      if (nm.isEmpty()) {
        continue;
      }
      if (nodes.put(nm, n) != null) {
        problems.add(new Problem(file, LineNumbers.of(n), "node name '" + nm + "' is used twice"));
      }
      edges.put(nm, transitions(n));
    }
    List<String[]> refs = new ArrayList<>();
    if (start != null) {
      refs.add(new String[] {"start", start});
    }
    edges.forEach((from, tos) -> tos.forEach(to -> refs.add(new String[] {from, to})));
    for (String[] r : refs) {
      if (!nodes.containsKey(r[1])) {
        Element from = nodes.get(r[0]);
        problems.add(new Problem(file, from == null ? 0 : LineNumbers.of(from),
            "'" + r[0] + "' transitions to '" + r[1] + "', which is not a node of this workflow; nodes: "
                + new TreeSet<>(nodes.keySet())));
      }
    }
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>();
    if (start != null) {
      todo.add(start);
    }
    while (!todo.isEmpty()) {
      String n = todo.remove(todo.size() - 1);
      if (nodes.containsKey(n) && seen.add(n)) {
        todo.addAll(edges.getOrDefault(n, List.of()));
      }
    }
    for (var n : nodes.entrySet()) {
      if (!seen.contains(n.getKey())) {
        problems.add(new Problem(file, LineNumbers.of(n.getValue()), "node '" + n.getKey() + "' is unreachable from start"));
      }
    }
    forkJoin(file, nodes, edges, problems);
  }

  /** Each fork's paths must all arrive at the same join, and each join must close exactly one fork. */
  private static void forkJoin(String file, Map<String, Element> nodes, Map<String, List<String>> edges,
      List<Problem> problems) {
    Map<String, String> joinOwner = new HashMap<>();
    for (var n : nodes.entrySet()) {
      if (!n.getValue().getLocalName().equals("fork")) {
        continue;
      }
      Set<String> joins = new TreeSet<>();
      for (String path : edges.get(n.getKey())) {
        String j = firstJoin(path, nodes, edges, new java.util.HashSet<>());
        joins.add(j == null ? "(none)" : j);
      }
      if (joins.size() != 1 || joins.contains("(none)")) {
        problems.add(new Problem(file, LineNumbers.of(n.getValue()),
            "fork '" + n.getKey() + "' paths do not all meet at one join: they reach " + joins));
      } else {
        String j = joins.iterator().next();
        String other = joinOwner.put(j, n.getKey());
        if (other != null) {
          problems.add(new Problem(file, LineNumbers.of(nodes.get(j)),
              "join '" + j + "' closes two forks: '" + other + "' and '" + n.getKey() + "'"));
        }
      }
    }
    for (var n : nodes.entrySet()) {
      if (n.getValue().getLocalName().equals("join") && !joinOwner.containsKey(n.getKey())) {
        problems.add(new Problem(file, LineNumbers.of(n.getValue()), "join '" + n.getKey() + "' closes no fork"));
      }
    }
  }

  private static String firstJoin(String node, Map<String, Element> nodes, Map<String, List<String>> edges,
      Set<String> seen) {
    Element e = nodes.get(node);
    if (e == null || !seen.add(node)) {
      return null;
    }
    if (e.getLocalName().equals("join")) {
      return node;
    }
    if (e.getLocalName().equals("fork")) {
      // A nested fork: continue after its join.
      String inner = null;
      for (String p : edges.get(node)) {
        inner = firstJoin(p, nodes, edges, seen);
      }
      return inner == null ? null : firstJoin(edges.get(inner).get(0), nodes, edges, seen);
    }
    // On the success path; error transitions leave the fork (to a kill) and are not a path's end.
    Element ok = first(e, "ok");
    if (ok != null) {
      return firstJoin(ok.getAttribute("to"), nodes, edges, seen);
    }
    for (String t : edges.getOrDefault(node, List.of())) {
      String j = firstJoin(t, nodes, edges, seen);
      if (j != null) {
        return j;
      }
    }
    return null;
  }

  private static List<String> transitions(Element n) {
    List<String> out = new ArrayList<>();
    switch (n.getLocalName()) {
      case "action" -> {
        for (String t : List.of("ok", "error")) {
          Element e = first(n, t);
          if (e != null) {
            out.add(e.getAttribute("to"));
          }
        }
      }
      case "decision" -> {
        Element sw = first(n, "switch");
        if (sw != null) {
          for (Element c : children(sw)) {
            out.add(c.getAttribute("to"));
          }
        }
      }
      case "fork" -> children(n).forEach(p -> out.add(p.getAttribute("start")));
      case "join" -> out.add(n.getAttribute("to"));
      default -> { }
    }
    return out;
  }

  private static void parameters(String file, Element root, Set<String> known, List<Problem> problems) {
    Set<String> reported = new TreeSet<>();
    walk(root, (el, text) -> {
      Matcher m = EL.matcher(text);
      while (m.find()) {
        Matcher id = IDENT.matcher(STRING.matcher(m.group(1)).replaceAll("''"));
        while (id.find()) {
          String v = id.group(1);
          if (!EL_WORDS.contains(v) && !known.contains(v) && reported.add(v)) {
            problems.add(new Problem(file, LineNumbers.of(el), "parameter ${" + v + "} is not defined: declare it in"
                + " <parameters>, job.properties or the configuration of the coordinator that starts this app"));
          }
        }
      }
    });
  }

  private static void files(Path appDir, String file, Element root, List<Problem> problems) {
    walk(root, (el, text) -> {
      if (el.getLocalName() != null && el.getLocalName().equals("file") && text.startsWith("${appPath}/")) {
        String rel = text.substring("${appPath}/".length()).replaceAll("#.*$", "");
        if (!Files.exists(appDir.resolve(rel))) {
          problems.add(new Problem(file, LineNumbers.of(el), "<file> " + rel + " is missing from the app directory"));
        }
      }
    });
  }

  private static void walk(Element e, java.util.function.BiConsumer<Element, String> visit) {
    var attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      visit.accept(e, attrs.item(i).getNodeValue());
    }
    NodeList kids = e.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      Node k = kids.item(i);
      if (k instanceof Element c) {
        walk(c, visit);
      } else if (k.getNodeType() == Node.TEXT_NODE && !k.getNodeValue().isBlank()) {
        visit.accept(e, k.getNodeValue().trim());
      }
    }
  }

  private static Set<String> childTexts(Element root, String leaf, String section) {
    Set<String> out = new TreeSet<>();
    NodeList sections = root.getElementsByTagNameNS("*", section);
    for (int i = 0; i < sections.getLength(); i++) {
      NodeList names = ((Element) sections.item(i)).getElementsByTagNameNS("*", leaf);
      for (int j = 0; j < names.getLength(); j++) {
        out.add(names.item(j).getTextContent().trim());
      }
    }
    return out;
  }

  private static Set<String> propertyNames(Path appDir) {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.list(appDir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".properties")).toList()) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(p)) {
          props.load(in);
        }
        out.addAll(props.stringPropertyNames());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    NodeList kids = e.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      if (kids.item(i) instanceof Element c) {
        out.add(c);
      }
    }
    return out;
  }

  private static Element first(Element e, String localName) {
    return children(e).stream().filter(c -> localName.equals(c.getLocalName())).findFirst().orElse(null);
  }
}
