package io.sluice.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** JVM flags every Sluice JVM needs on Java 17; one list, filtered in from the parent pom at build time. */
public final class JvmFlags {
  private JvmFlags() {}

  /** The {@code --add-opens} flags Hadoop, Hudi and Hive need, space separated. */
  public static String opens() {
    try (InputStream in = JvmFlags.class.getResourceAsStream("/io/sluice/core/jvm.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("jvm.opens").trim();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("io/sluice/core/jvm.properties missing from sluice-core", e);
    }
  }
}
