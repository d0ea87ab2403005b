package io.sluice.upserts.write;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.stream.Stream;

/**
 * A read-only view of a list whose {@link #stream()} is parallel. Hudi's Java executor profiles the
 * workload and assigns records to buckets with {@code stream().collect(groupingBy(..))} over the list
 * it is given; through this view the same collectors run on the common pool, and because they are
 * not concurrent collectors each bucket still receives its records in batch order.
 */
final class ParallelStreams<E> extends AbstractList<E> implements RandomAccess {
  private final List<E> list;

  private ParallelStreams(List<E> list) {
    this.list = list;
  }

  static <E> List<E> of(List<E> list) {
    return new ParallelStreams<>(list);
  }

  @Override
  public E get(int index) {
    return list.get(index);
  }

  @Override
  public int size() {
    return list.size();
  }

  @Override
  public Stream<E> stream() {
    return list.parallelStream();
  }
}
