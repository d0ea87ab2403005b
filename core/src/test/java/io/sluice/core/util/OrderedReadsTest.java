package io.sluice.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OrderedReadsTest {
  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void resultsArriveInItemOrderWithBoundedReadAhead() {
    List<Integer> items = IntStream.range(0, 20).boxed().toList();
    AtomicInteger readNotConsumed = new AtomicInteger();
    AtomicInteger maxWaiting = new AtomicInteger();
    List<String> consumed = new ArrayList<>();
    List<String> readers = new ArrayList<>();
    OrderedReads.inOrder(items, 2, i -> {
      pause(i % 3 == 0 ? 30 : 2);   // uneven reads finish out of order
      maxWaiting.accumulateAndGet(readNotConsumed.incrementAndGet(), Math::max);
      synchronized (readers) {
        readers.add(Thread.currentThread().getName());
      }
      return "r" + i;
    }, r -> {
      readNotConsumed.decrementAndGet();
      consumed.add(r);
      pause(5);
    });
    assertThat(consumed).containsExactlyElementsOf(items.stream().map(i -> "r" + i).toList());
    assertThat(maxWaiting.get()).as("results read but not yet consumed").isLessThanOrEqualTo(3);
    assertThat(readers).allMatch(n -> n.startsWith("sluice-read-")).extracting(n -> n).hasSizeGreaterThan(1);
  }

  @Test
  void aFailedReadFailsTheCallAfterTheResultsBeforeIt() {
    List<Integer> consumed = new ArrayList<>();
    assertThatThrownBy(() -> OrderedReads.inOrder(List.of(1, 2, 3, 4), 2, i -> {
      if (i == 3) {
        throw new IllegalStateException("corrupt footer in file 3");
      }
      return i;
    }, consumed::add)).hasMessage("corrupt footer in file 3");
    assertThat(consumed).containsExactly(1, 2);
  }

  @Test
  void oneThreadReadsOnTheCallersThread() {
    String caller = Thread.currentThread().getName();
    List<String> seen = new ArrayList<>();
    OrderedReads.inOrder(List.of(1, 2), 1, i -> Thread.currentThread().getName(), seen::add);
    assertThat(seen).containsOnly(caller);
  }
}
