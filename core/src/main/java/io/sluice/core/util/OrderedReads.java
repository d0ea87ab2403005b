package io.sluice.core.util;

import io.sluice.core.SluiceException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads items (file slices, file groups) on up to {@code threads} threads while the caller consumes
 * the results one by one, in the items' order. At most {@code threads} results wait at a time, so
 * memory stays bounded by a few slices however many the read covers.
 */
public final class OrderedReads {
  /** Readers used when a caller does not choose: the machine's available processors. */
  public static final int DEFAULT_THREADS = Runtime.getRuntime().availableProcessors();

  private OrderedReads() {}

  /** Applies {@code read} to every item, {@code threads} at a time, and hands results to {@code consume} in order. */
  public static <T, R> void inOrder(List<T> items, int threads, Function<T, R> read, Consumer<R> consume) {
    if (threads <= 1 || items.size() <= 1) {
      items.forEach(i -> consume.accept(read.apply(i)));
      return;
    }
    ExecutorService pool = DaemonThreads.pool(Math.min(threads, items.size()), "sluice-read");
    Deque<Future<R>> ahead = new ArrayDeque<>();
    try {
      int next = 0;
      while (next < items.size() && ahead.size() < threads) {
        T item = items.get(next++);
        ahead.add(pool.submit(() -> read.apply(item)));
      }
      while (!ahead.isEmpty()) {
        R result = await(ahead.poll());
        if (next < items.size()) {
          T item = items.get(next++);
          ahead.add(pool.submit(() -> read.apply(item)));
        }
        consume.accept(result);
      }
    } finally {
      ahead.forEach(f -> f.cancel(true));
      pool.shutdownNow();
    }
  }

  /** The future's result; its failure rethrown as it was (unchecked) or wrapped in a SluiceException. */
  public static <R> R await(Future<R> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while reading", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new SluiceException("read failed: " + e.getCause(), e.getCause());
    }
  }
}
