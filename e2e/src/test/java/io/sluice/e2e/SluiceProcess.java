package io.sluice.e2e;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code sluice} main in a separate JVM, as a user or Oozie would. */
final class SluiceProcess {
  private SluiceProcess() {}

  static Process start(Path log, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens")).forEach(cmd::add);
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add("io.sluice.cli.SluiceMain");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs to completion and returns the exit code; fails the test on timeout. */
  static int run(Path log, Map<String, String> env, String... args) throws Exception {
    Process p = start(log, env, args);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("sluice " + String.join(" ", args) + " did not finish; log: " + Files.readString(log));
    }
    return p.exitValue();
  }

  /** Waits until {@code marker} exists (the process paused at its crash point), then SIGKILLs the process. */
  static void killWhenPaused(Process p, File marker, Duration timeout, Path log) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!marker.exists()) {
      if (!p.isAlive()) {
        throw new AssertionError("process ended (exit " + p.exitValue() + ") before reaching "
            + marker.getName() + "; log: " + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("timed out waiting for " + marker.getName() + "; log: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();   // SIGKILL on Unix: no shutdown hooks, no cleanup
    p.waitFor(1, TimeUnit.MINUTES);
  }
}
