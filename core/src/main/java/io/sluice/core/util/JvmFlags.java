package io.sluice.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * JVM flags of every Sluice JVM on Java 17; one list each, filtered in from the parent pom at build
 * time and kept equal to the launchers' {@code conf/jvm-*.args} files.
 */
public final class JvmFlags {
  private JvmFlags() {}

  /** The {@code --add-opens} flags Hadoop, Hudi and Hive need, space separated. */
  public static String opens() {
    return property("jvm.opens");
  }

  /**
   * Garbage-collector settings for a JVM that holds a mini-batch until it is committed: objects that
   * survive one young collection are promoted at once rather than copied between survivor spaces.
   */
  public static String batch() {
    return property("jvm.batch");
  }

  private static String property(String name) {
    try (InputStream in = JvmFlags.class.getResourceAsStream("/io/sluice/core/jvm.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty(name).trim();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("io/sluice/core/jvm.properties missing from sluice-core or without " + name, e);
    }
  }
}
