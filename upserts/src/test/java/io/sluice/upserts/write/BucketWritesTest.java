package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
