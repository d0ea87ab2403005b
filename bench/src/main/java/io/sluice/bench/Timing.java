package io.sluice.bench;

/** Wall-clock timing of a benchmark step. */
final class Timing {
  /** A step that may throw. */
  interface Body {
    void run() throws Exception;
  }

  private Timing() {}

  /** Nanoseconds {@code b} took. */
  static long nanos(Body b) throws Exception {
    long t = System.nanoTime();
    b.run();
    return System.nanoTime() - t;
  }
}
