package io.sluice.core.fs;

import org.apache.hadoop.conf.Configuration;

/** Makes {@code file:} paths use {@link NioLocalFileSystem} in every Hadoop configuration of this JVM. */
public final class LocalFileSystems {
  /** Bundled resource that sets {@code fs.file.impl}; a spec's {@code hadoop:} keys still override it. */
  static final String RESOURCE = "sluice-local-fs.xml";
  private static volatile boolean registered;

  private LocalFileSystems() {}

  /** Idempotent. Configurations created before (and a local file system already cached) keep Hadoop's. */
  public static void register() {
    if (!registered) {
      synchronized (LocalFileSystems.class) {
        if (!registered) {
          Configuration.addDefaultResource(RESOURCE);
          registered = true;
        }
      }
    }
  }
}
