package io.sluice.oozie;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** A small fluent DOM builder, so generated XML is always well formed and escaped. */
final class Xml {
  private final Document doc;
  private final Element el;
  private final String ns;

  private Xml(Document doc, Element el, String ns) {
    this.doc = doc;
    this.el = el;
    this.ns = ns;
  }

  static Xml root(String ns, String name) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      Document d = f.newDocumentBuilder().newDocument();
      Element e = d.createElementNS(ns, name);
      d.appendChild(e);
      return new Xml(d, e, ns);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Declares a further namespace prefix on this element. */
  Xml xmlns(String prefix, String uri) {
    el.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:" + prefix, uri);
    return this;
  }

  Xml attr(String name, Object value) {
    el.setAttribute(name, String.valueOf(value));
    return this;
  }

  /** Appends a child element in this document's namespace and returns it. */
  Xml child(String name) {
    return childNs(ns, name);
  }

  /** Appends a child element in another namespace ({@code prefix:name}) and returns it. */
  Xml childNs(String uri, String qualifiedName) {
    Element c = doc.createElementNS(uri, qualifiedName);
    el.appendChild(c);
    return new Xml(doc, c, uri.equals(ns) ? ns : uri);
  }

  /** Appends {@code <name>text</name>} and returns this element. */
  Xml text(String name, Object text) {
    child(name).el.setTextContent(String.valueOf(text));
    return this;
  }

  Xml text(Object text) {
    el.setTextContent(String.valueOf(text));
    return this;
  }

  /** Appends a {@code <configuration>} block of name/value properties. */
  Xml configuration(java.util.Map<String, String> props) {
    if (!props.isEmpty()) {
      Xml c = child("configuration");
      props.forEach((k, v) -> c.child("property").text("name", k).text("value", v));
    }
    return this;
  }

  void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Transformer t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.INDENT, "yes");
      t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "4");
      try (OutputStream out = Files.newOutputStream(file)) {
        t.transform(new DOMSource(doc), new StreamResult(out));
      }
    } catch (IOException | TransformerException e) {
      throw new java.io.UncheckedIOException(new IOException("cannot write " + file + ": " + e.getMessage(), e));
    }
  }
}
