package io.sluice.core.util;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Fixed pools of daemon threads named {@code <name>-<pool>-<thread>}, so a stuck pool never keeps the JVM alive. */
public final class DaemonThreads {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private DaemonThreads() {}

  public static ExecutorService pool(int threads, String name) {
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }
}
