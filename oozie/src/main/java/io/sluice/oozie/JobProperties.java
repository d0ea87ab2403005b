package io.sluice.oozie;

import io.sluice.core.SluiceException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a rendered {@code job.properties} with overrides and resolves {@code ${var}} references, as Oozie does. */
public final class JobProperties {
  private static final Pattern VAR = Pattern.compile("\\$\\{([\\w.]+)}");

  private JobProperties() {}

  public static Properties load(Path file, Map<String, String> overrides) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new SluiceException("cannot read " + file + ": " + e.getMessage() + "; render the app first");
    }
    overrides.forEach(p::setProperty);
    p.putIfAbsent("user.name", System.getProperty("user.name"));
    for (String k : p.stringPropertyNames()) {
      p.setProperty(k, resolve(p, p.getProperty(k), 0));
    }
    return p;
  }

  private static String resolve(Properties p, String v, int depth) {
    if (depth > 10) {
      throw new SluiceException("job.properties: references nest too deep (a cycle?) in '" + v + "'");
    }
    Matcher m = VAR.matcher(v);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String ref = p.getProperty(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(ref == null ? m.group() : resolve(p, ref, depth + 1)));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
