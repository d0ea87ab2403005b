package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingDirSourceTest {
  @TempDir Path dir;

  private void land(IngestFixture f, String name, long mtime, int bytes) throws Exception {
    Path p = f.landing.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[bytes]);
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
  }

  private static List<String> names(SourcePlan p) {
    return p.files().stream().map(f -> f.path().substring(f.path().lastIndexOf('/') + 1)).toList();
  }

  @Test
  void drainsABacklogOldestFirstUnderCapsWithoutSkippingAnything() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "max-files-per-batch: 2\nmax-bytes-per-batch: 250");
    land(f, "c.jsonl", 3_000_000, 100);
    land(f, "a.jsonl", 1_000_000, 100);
    land(f, "b.jsonl", 2_000_000, 100);
    land(f, "sub/d.jsonl", 4_000_000, 300);  // bigger than the byte cap: still taken alone
    land(f, "_inprogress.jsonl", 500, 10);
    land(f, ".hidden", 500, 10);
    land(f, "_tmp/e.jsonl", 500, 10);
    LandingDirSource src = new LandingDirSource(f.spec, f.conf);

    SourcePlan p1 = src.plan(SourceCheckpoint.EMPTY);
    assertThat(names(p1)).containsExactly("a.jsonl", "b.jsonl");
    assertThat(p1.backlogFiles()).isEqualTo(2);
    assertThat(p1.next().horizon()).isLessThanOrEqualTo(3_000_000);
    SourcePlan p2 = src.plan(SourceCheckpoint.fromJson(p1.next().toJson()));
    assertThat(names(p2)).containsExactly("c.jsonl");
    SourcePlan p3 = src.plan(p2.next());
    assertThat(names(p3)).containsExactly("d.jsonl");
    assertThat(p3.backlogFiles()).isZero();
    assertThat(src.plan(p3.next()).isEmpty()).isTrue();
  }

  @Test
  void lateClosedFileWithinTheLookbackIsStillPicked() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "listing-lookback: 1h");
    long t = 10_000_000_000L;
    land(f, "b.jsonl", t, 10);
    LandingDirSource src = new LandingDirSource(f.spec, f.conf);
    SourcePlan p1 = src.plan(SourceCheckpoint.EMPTY);
    // a writer closes a.jsonl later, with a modification time 30 minutes older than b's
    land(f, "a.jsonl", t - 1_800_000, 10);
    SourcePlan p2 = src.plan(p1.next());
    assertThat(names(p2)).containsExactly("a.jsonl");
    // files older than the horizon are pruned from the checkpoint, keeping it small
    land(f, "z.jsonl", t + 10 * 3_600_000L, 10);
    SourcePlan p3 = src.plan(p2.next());
    assertThat(names(p3)).containsExactly("z.jsonl");
    assertThat(p3.next().files()).containsOnlyKeys(p3.files().get(0).path());
    assertThat(src.plan(p3.next()).isEmpty()).isTrue();
  }

  @Test
  void filePatternFilters() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "file-pattern: \"*.jsonl\"");
    land(f, "a.jsonl", 1000, 1);
    land(f, "a.txt", 1000, 1);
    assertThat(names(new LandingDirSource(f.spec, f.conf).plan(SourceCheckpoint.EMPTY))).containsExactly("a.jsonl");
  }

  @Test
  void missingLandingDirIsAClearError() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", null);
    Files.delete(f.landing);
    assertThatThrownBy(() -> new LandingDirSource(f.spec, f.conf).plan(SourceCheckpoint.EMPTY))
        .isInstanceOf(SluiceException.class).hasMessageContaining("does not exist").hasMessageContaining("source.landing-dir");
  }

  @Test
  void garbageCheckpointIsAClearError() {
    assertThatThrownBy(() -> SourceCheckpoint.fromJson("{nope"))
        .isInstanceOf(SluiceException.class).hasMessageContaining("unreadable source checkpoint");
  }
}
