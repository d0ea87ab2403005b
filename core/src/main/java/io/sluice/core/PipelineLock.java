package io.sluice.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.FileAlreadyExistsException;

/**
 * At most one Sluice process works on a pipeline at a time. The lock is a file created atomically
 * on the pipeline's filesystem, naming its holder; the holder refreshes its modification time. A
 * lock is stale when its holder is a dead process on this host (so a SIGKILLed run is replaced at
 * once), or when it has not been refreshed for {@link #STALE_AFTER} (holders on other hosts).
 */
public final class PipelineLock implements PipelineLease {
  /** A lock not refreshed for this long is taken over. */
  public static final Duration STALE_AFTER = Duration.ofSeconds(60);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path path;
  private final ScheduledExecutorService heartbeat;

  private PipelineLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sluice-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Thrown when another live process holds the lock. */
  public static final class HeldException extends SluiceException {
    public HeldException(String message) {
      super(message);
    }
  }

  /**
   * Takes the lock of {@code pipeline} under {@code workDir}, waiting up to {@code wait} for a live
   * holder to finish; {@link HeldException} names the holder when it does not.
   */
  public static PipelineLock acquire(String workDir, String pipeline, Configuration conf, Duration wait) {
    Path path = new Path(workDir + "/locks/" + pipeline + ".lock");
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      FileSystem fs = path.getFileSystem(conf);
      fs.mkdirs(path.getParent());
      while (true) {
        try (OutputStream out = fs.create(path, false)) {
          out.write(JSON.writeValueAsBytes(Map.of("host", host(), "pid", ProcessHandle.current().pid(),
              "started", Instant.now().toString())));
          return new PipelineLock(fs, path);
        } catch (FileAlreadyExistsException e) {
          // held: fall through
        } catch (IOException e) {
          if (!fs.exists(path)) {
            throw e;
          }
        }
        Map<?, ?> holder = readHolder(fs, path);
        if (holder != null && isStale(fs, path, holder)) {
          // Rename first: only one contender can move the stale file away.
          fs.rename(path, new Path(path.getParent(), path.getName() + ".stale-" + UUID.randomUUID()));
          continue;
        }
        if (System.nanoTime() >= deadline) {
          throw new HeldException("pipeline " + pipeline + " is locked by another Sluice process"
              + (holder == null ? "" : " (pid " + holder.get("pid") + " on " + holder.get("host") + ", started "
              + holder.get("started") + ")") + "; not running. Use --wait 10m to wait for it, or remove " + path
              + " if you are sure no run is alive.");
        }
        Thread.sleep(1000);
      }
    } catch (IOException e) {
      throw new SluiceException("cannot take the pipeline lock " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while waiting for the pipeline lock " + path);
    }
  }

  private static Map<?, ?> readHolder(FileSystem fs, Path path) {
    try (InputStream in = fs.open(path)) {
      return JSON.readValue(in, Map.class);
    } catch (IOException e) {
      return null;   // vanished or half-written: try again
    }
  }

  private static boolean isStale(FileSystem fs, Path path, Map<?, ?> holder) throws IOException {
    if (host().equals(holder.get("host")) && holder.get("pid") instanceof Number pid) {
      return ProcessHandle.of(pid.longValue()).map(p -> !p.isAlive()).orElse(true);
    }
    long age = System.currentTimeMillis() - fs.getFileStatus(path).getModificationTime();
    return age > STALE_AFTER.toMillis();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private void touch() {
    try {
      fs.setTimes(path, System.currentTimeMillis(), -1);
    } catch (IOException e) {
      // The next beat retries; a lock left unrefreshed for a minute is taken over.
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw new SluiceException("cannot release the pipeline lock " + path + ": " + e.getMessage(), e);
    }
  }
}
