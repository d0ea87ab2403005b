package io.sluice.upserts.write;

import io.sluice.core.util.DaemonThreads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.exception.HoodieUpsertException;

/**
 * The buckets (file groups) of one commit, written up to {@code threads} at a time. Statuses come
 * back in submission order, and only after every bucket has finished, so a failed commit never has
 * a writer still adding files behind the rollback. With one thread each bucket is written inline.
 *
 * <p>Queued buckets start together in {@link #awaitAll}, the heaviest first, so a large file group
 * does not start last and leave one core idle while it finishes. A partition with more than one
 * bucket is prepared once first, on the calling thread: Hudi's handles each create a new
 * partition's metadata file when they open, and when two race, the loser's create fails and Hudi
 * retries it after a one-second sleep.
 */
final class BucketWrites {
  private final ExecutorService pool;
  private final Consumer<String> preparePartition;
  private final List<Queued> queued = new ArrayList<>();
  private final List<Future<List<WriteStatus>>> pending = new ArrayList<>();

  private record Queued(int order, String partitionPath, long weight, Callable<List<WriteStatus>> write) {
  }

  BucketWrites(int threads) {
    this(threads, partitionPath -> { });
  }

  /** @param preparePartition run once, before any bucket starts, for each partition that has several */
  BucketWrites(int threads, Consumer<String> preparePartition) {
    if (threads < 1) {
      throw new IllegalArgumentException("write threads must be at least 1, got " + threads);
    }
    this.pool = threads == 1 ? null : DaemonThreads.pool(threads, "sluice-hudi-write");
    this.preparePartition = preparePartition;
  }

  /** Queues one bucket in no known partition; {@code write} returns Hudi's (possibly lazy) iterator of its statuses. */
  void submit(Callable<Iterator<List<WriteStatus>>> write) {
    submit(null, 0, write);
  }

  /**
   * Queues one bucket of {@code partitionPath} (null: unknown); {@code weight} is its expected work
   * in any unit shared by the commit's buckets (bytes written, say).
   */
  void submit(String partitionPath, long weight, Callable<Iterator<List<WriteStatus>>> write) {
    Callable<List<WriteStatus>> drained = () -> {
      List<WriteStatus> statuses = new ArrayList<>();
      write.call().forEachRemaining(statuses::addAll);
      return statuses;
    };
    if (pool == null) {
      pending.add(CompletableFuture.completedFuture(callInline(drained)));
    } else {
      queued.add(new Queued(queued.size(), partitionPath, weight, drained));
    }
  }

  private void start() {
    Map<String, Integer> perPartition = new HashMap<>();
    for (Queued q : queued) {
      perPartition.merge(q.partitionPath, 1, Integer::sum);
    }
    perPartition.forEach((partitionPath, buckets) -> {
      if (partitionPath != null && buckets > 1) {
        preparePartition.accept(partitionPath);
      }
    });
    List<Queued> heaviestFirst = new ArrayList<>(queued);
    heaviestFirst.sort(Comparator.comparingLong(Queued::weight).reversed());
    List<Future<List<WriteStatus>>> inOrder = new ArrayList<>(Collections.nCopies(queued.size(), null));
    for (Queued q : heaviestFirst) {
      inOrder.set(q.order, pool.submit(q.write));
    }
    pending.addAll(inOrder);
    queued.clear();
  }

  /** Waits for every bucket, then returns all statuses or throws the first failure. */
  List<WriteStatus> awaitAll() {
    List<WriteStatus> all = new ArrayList<>();
    RuntimeException failure = null;
    boolean interrupted = false;
    try {
      if (!queued.isEmpty()) {
        start();
      }
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
      queued.clear();
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
