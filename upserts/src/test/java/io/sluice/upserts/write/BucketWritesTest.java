package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.exception.HoodieUpsertException;
import org.junit.jupiter.api.Test;

class BucketWritesTest {
  private static WriteStatus status(String fileId) {
    WriteStatus s = new WriteStatus();
    s.setFileId(fileId);
    return s;
  }

  @Test
  void statusesComeBackInSubmissionOrderWhateverFinishesFirst() {
    BucketWrites w = new BucketWrites(2);
    w.submit(() -> {
      Thread.sleep(200);
      return List.of(List.of(status("slow"))).iterator();
    });
    w.submit(() -> List.of(List.of(status("fast-1")), List.of(status("fast-2"))).iterator());
    assertThat(w.awaitAll()).extracting(WriteStatus::getFileId).containsExactly("slow", "fast-1", "fast-2");
  }

  @Test
  void heavierBucketsStartFirstAndStatusesStillComeBackInSubmissionOrder() {
    BucketWrites w = new BucketWrites(2);
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    for (String[] bucket : new String[][] {{"light", "1"}, {"heavy", "500"}, {"medium", "30"}}) {
      w.submit("p", Long.parseLong(bucket[1]), () -> {
        started.add(bucket[0]);
        Thread.sleep(100);
        return List.of(List.of(status(bucket[0]))).iterator();
      });
    }
    assertThat(w.awaitAll()).extracting(WriteStatus::getFileId).containsExactly("light", "heavy", "medium");
    // two threads take the two heaviest; the light one waits for a free thread
    assertThat(started.subList(0, 2)).containsExactlyInAnyOrder("heavy", "medium");
    assertThat(started.get(2)).isEqualTo("light");
  }

  @Test
  void aPartitionWithSeveralBucketsIsPreparedOnceOnTheCallingThreadBeforeAnyOfThemStarts() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    String caller = Thread.currentThread().getName();
    BucketWrites w = new BucketWrites(2, partitionPath -> {
      assertThat(Thread.currentThread().getName()).isEqualTo(caller);
      events.add("prepare " + partitionPath);
    });
    for (String partition : List.of("dt=new", "dt=old", "dt=new", "dt=new")) {
      w.submit(partition, 1, () -> {
        events.add("write " + partition);
        return List.of(List.of(status(partition))).iterator();
      });
    }
    for (int unknown = 0; unknown < 2; unknown++) {
      w.submit(() -> {
        events.add("write unknown");
        return List.of(List.of(status("unknown"))).iterator();
      });
    }
    assertThat(w.awaitAll()).hasSize(6);
    assertThat(events).hasSize(7).first().isEqualTo("prepare dt=new");
    assertThat(events).filteredOn(e -> e.startsWith("prepare")).containsExactly("prepare dt=new");
  }

  @Test
  void aFailedPreparationStartsNoBucket() {
    AtomicBoolean wrote = new AtomicBoolean();
    BucketWrites w = new BucketWrites(2, partitionPath -> {
      throw new HoodieUpsertException("cannot write partition metadata of " + partitionPath);
    });
    for (int i = 0; i < 2; i++) {
      w.submit("dt=new", 1, () -> {
        wrote.set(true);
        return List.of(List.of(status("x"))).iterator();
      });
    }
    assertThatThrownBy(w::awaitAll).hasMessage("cannot write partition metadata of dt=new");
    assertThat(wrote).isFalse();
  }

  // Failure injection: a real write failing mid-commit (disk full) cannot be provoked on demand.
  @Test
  void aFailedBucketIsReportedOnlyOnceEveryOtherBucketHasStopped() {
    BucketWrites w = new BucketWrites(2);
    AtomicBoolean slowFinished = new AtomicBoolean();
    w.submit(() -> {
      throw new HoodieUpsertException("disk full");
    });
    w.submit(() -> {
      Thread.sleep(300);
      slowFinished.set(true);
      return List.of(List.of(status("late"))).iterator();
    });
    w.submit(() -> {
      throw new IllegalStateException("second failure");
    });
    assertThatThrownBy(w::awaitAll).isInstanceOf(HoodieUpsertException.class).hasMessage("disk full")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second failure"));
    assertThat(slowFinished).isTrue();
  }

  @Test
  void oneThreadWritesEachBucketInlineAndFailsAtOnce() {
    BucketWrites w = new BucketWrites(1);
    String caller = Thread.currentThread().getName();
    w.submit(() -> {
      assertThat(Thread.currentThread().getName()).isEqualTo(caller);
      return List.of(List.of(status("a"))).iterator();
    });
    assertThatThrownBy(() -> w.submit(() -> {
      throw new java.io.IOException("no space");
    })).isInstanceOf(HoodieUpsertException.class).hasRootCauseMessage("no space");
    assertThatThrownBy(() -> new BucketWrites(0)).hasMessageContaining("at least 1");
  }
}
