package io.sluice.upserts.write;

import io.sluice.core.util.DaemonThreads;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.exception.HoodieUpsertException;

/**
 * The buckets (file groups) of one commit, written up to {@code threads} at a time. Statuses come
 * back in submission order, and only after every bucket has finished, so a failed commit never has
 * a writer still adding files behind the rollback. With one thread each bucket is written inline.
 */
final class BucketWrites {
  private final ExecutorService pool;
  private final List<Future<List<WriteStatus>>> pending = new ArrayList<>();

  BucketWrites(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("write threads must be at least 1, got " + threads);
    }
    this.pool = threads == 1 ? null : DaemonThreads.pool(threads, "sluice-hudi-write");
  }

  /** Queues one bucket; {@code write} returns Hudi's (possibly lazy) iterator of its statuses. */
  void submit(Callable<Iterator<List<WriteStatus>>> write) {
    Callable<List<WriteStatus>> drained = () -> {
      List<WriteStatus> statuses = new ArrayList<>();
      write.call().forEachRemaining(statuses::addAll);
      return statuses;
    };
    if (pool == null) {
      pending.add(CompletableFuture.completedFuture(callInline(drained)));
    } else {
      pending.add(pool.submit(drained));
    }
  }

  /** Waits for every bucket, then returns all statuses or throws the first failure. */
  List<WriteStatus> awaitAll() {
    List<WriteStatus> all = new ArrayList<>();
    RuntimeException failure = null;
    boolean interrupted = false;
    try {
      for (Future<List<WriteStatus>> f : pending) {
        while (true) {
          try {
            all.addAll(f.get());
            break;
          } catch (InterruptedException e) {
            // Finish waiting: returning early would leave writers running behind the caller.
            interrupted = true;
          } catch (ExecutionException e) {
            RuntimeException cause = asRuntime(e.getCause());
            if (failure == null) {
              failure = cause;
            } else {
              failure.addSuppressed(cause);
            }
            break;
          }
        }
      }
    } finally {
      pending.clear();
      if (pool != null) {
        pool.shutdown();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure != null) {
      throw failure;
    }
    return all;
  }

  private static List<WriteStatus> callInline(Callable<List<WriteStatus>> c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw asRuntime(e);
    }
  }

  private static RuntimeException asRuntime(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new HoodieUpsertException("bucket write failed: " + t, t);
  }
}
