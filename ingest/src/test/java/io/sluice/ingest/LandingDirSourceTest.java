package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingDirSourceTest {
  static final long T = 1_700_000_000_000L;
  static final long MIN = 60_000L;

  @TempDir Path dir;

  private static void land(IngestFixture f, String name, long mtime, int bytes) throws Exception {
    Path p = f.landing.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[bytes]);
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
  }

  private static List<String> names(SourcePlan p) {
    return p.files().stream().map(f -> f.path().substring(f.path().lastIndexOf('/') + 1)).toList();
  }

  /** Plans from a checkpoint that went through JSON, as it does between runs. */
  private static SourcePlan plan(LandingDirSource src, SourceCheckpoint cp) {
    return src.plan(SourceCheckpoint.fromJson(cp.toJson()));
  }

  @Test
  void drainsABacklogOldestFirstUnderFileAndByteCaps() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "max-files-per-batch: 2\nmax-bytes-per-batch: 250");
    land(f, "c.jsonl", T + 3 * MIN, 100);
    land(f, "a.jsonl", T + MIN, 100);
    land(f, "b2.jsonl", T + 2 * MIN, 100);
    land(f, "b1.jsonl", T + 2 * MIN, 100);            // same mtime as b2: path decides
    land(f, "sub/dt=2024-05-01/d.jsonl", T + 4 * MIN, 300);   // over the byte cap alone: still taken
    land(f, "e.jsonl", T + 5 * MIN, 0);               // empty files are taken too
    LandingDirSource src = new LandingDirSource(f.spec, f.conf);

    SourcePlan p1 = plan(src, SourceCheckpoint.EMPTY);
    assertThat(names(p1)).containsExactly("a.jsonl", "b1.jsonl");
    assertThat(p1.backlogFiles()).isEqualTo(4);
    assertThat(p1.backlogBytes()).isEqualTo(500);
    assertThat(p1.next().horizon()).isLessThanOrEqualTo(T + 2 * MIN);   // not past b2, left for later
    SourcePlan p2 = plan(src, p1.next());
    assertThat(names(p2)).containsExactly("b2.jsonl", "c.jsonl");       // 200 bytes; d would exceed 250
    SourcePlan p3 = plan(src, p2.next());
    assertThat(names(p3)).containsExactly("d.jsonl");
    assertThat(p3.files().get(0).length()).isEqualTo(300);
    SourcePlan p4 = plan(src, p3.next());
    assertThat(names(p4)).containsExactly("e.jsonl");
    assertThat(p4.backlogFiles()).isZero();
    SourcePlan p5 = plan(src, p4.next());
    assertThat(p5.isEmpty()).isTrue();
    assertThat(p5.next()).isEqualTo(p4.next());
  }

  @Test
  void fileClosedLateWithinTheLookbackIsPickedAndOlderOnesAreNot() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "listing-lookback: 1h");
    LandingDirSource src = new LandingDirSource(f.spec, f.conf);
    land(f, "b.jsonl", T, 10);
    SourcePlan p1 = plan(src, SourceCheckpoint.EMPTY);
    assertThat(p1.next().horizon()).isEqualTo(T - 60 * MIN);
    // a writer closes a.jsonl after b was ingested, with an mtime 30 minutes older than b's
    land(f, "a.jsonl", T - 30 * MIN, 10);
    // and one with an mtime 2 hours older: behind the horizon, by contract not looked for
    land(f, "old.jsonl", T - 120 * MIN, 10);
    SourcePlan p2 = plan(src, p1.next());
    assertThat(names(p2)).containsExactly("a.jsonl");
    assertThat(plan(src, p2.next()).isEmpty()).isTrue();
  }

  @Test
  void checkpointKeepsOnlyFilesAtOrAfterTheHorizon() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "listing-lookback: 10m");
    LandingDirSource src = new LandingDirSource(f.spec, f.conf);
    land(f, "1.jsonl", T, 1);
    land(f, "2.jsonl", T + 5 * MIN, 1);
    SourcePlan p1 = plan(src, SourceCheckpoint.EMPTY);
    assertThat(p1.next().files()).hasSize(2);
    land(f, "3.jsonl", T + 60 * MIN, 1);
    SourcePlan p2 = plan(src, p1.next());
    assertThat(names(p2)).containsExactly("3.jsonl");
    assertThat(p2.next().horizon()).isEqualTo(T + 50 * MIN);
    assertThat(p2.next().files()).containsOnlyKeys(p2.files().get(0).path());
  }

  @Test
  void horizonNeverPassesAFileLeftInTheBacklog() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "listing-lookback: 0s");
    LandingDirSource src = new LandingDirSource(f.spec, f.conf);
    LandingFile a = new LandingFile("p/a", 1, T);
    LandingFile b = new LandingFile("p/b", 1, T + MIN);
    LandingFile c = new LandingFile("p/c", 1, T + 2 * MIN);
    SourceCheckpoint next = src.advance(SourceCheckpoint.EMPTY, List.of(a, c), List.of(b));
    assertThat(next.horizon()).isEqualTo(b.modificationTime());   // not c's, though the lookback is 0
    assertThat(next.isProcessed(b)).isFalse();
    assertThat(next.isProcessed(a)).isTrue();                    // behind the horizon
    assertThat(next.isProcessed(c)).isTrue();                    // listed
    assertThat(next.files()).containsOnlyKeys("p/c");
    // and the horizon never moves back
    SourceCheckpoint later = src.advance(next, List.of(), List.of());
    assertThat(later.horizon()).isEqualTo(c.modificationTime());
    assertThat(src.advance(later, List.of(), List.of()).horizon()).isEqualTo(later.horizon());
  }

  @Test
  void hiddenAndNonMatchingFilesAreSkippedSubDirectoriesAreSearched() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", "file-pattern: \"*.jsonl\"");
    land(f, "a.jsonl", T, 1);
    land(f, "a.txt", T, 1);
    land(f, "_inprogress.jsonl", T, 1);
    land(f, ".a.jsonl.crc", T, 1);
    land(f, "_temporary/0/x.jsonl", T, 1);
    land(f, ".staging/y.jsonl", T, 1);
    land(f, "dt=2024-05-01/hr=10/z.jsonl", T, 1);
    assertThat(names(new LandingDirSource(f.spec, f.conf).plan(SourceCheckpoint.EMPTY)))
        .containsExactly("a.jsonl", "z.jsonl");
  }

  @Test
  void missingOrWrongLandingDirIsAClearError() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", null);
    Files.delete(f.landing);
    assertThatThrownBy(() -> new LandingDirSource(f.spec, f.conf).plan(SourceCheckpoint.EMPTY))
        .isInstanceOf(SluiceException.class)
        .hasMessage("landing dir " + f.spec.source().landingDir().replace("file:///", "file:/")
            + " does not exist; create it, or fix source.landing-dir in the spec");
    Files.writeString(f.landing, "not a dir");
    assertThatThrownBy(() -> new LandingDirSource(f.spec, f.conf).plan(SourceCheckpoint.EMPTY))
        .isInstanceOf(SluiceException.class).hasMessageContaining("is a file, not a directory");
  }

  /**
   * Writers close files up to {@code lookback} late and in any order while batches run with random
   * caps; every file must be taken exactly once.
   */
  @Test
  void randomArrivalsAreEachTakenExactlyOnce() throws Exception {
    Random rnd = new Random(7);
    for (int round = 0; round < 3; round++) {
      Path d = dir.resolve("r" + round);
      int maxFiles = 1 + rnd.nextInt(5);
      IngestFixture f = new IngestFixture(d, "jsonl", "listing-lookback: 10m\nmax-files-per-batch: " + maxFiles
          + "\nmax-bytes-per-batch: " + (50 + rnd.nextInt(200)));
      LandingDirSource src = new LandingDirSource(f.spec, f.conf);
      Map<String, Integer> taken = new HashMap<>();
      List<String> landed = new ArrayList<>();
      SourceCheckpoint cp = SourceCheckpoint.EMPTY;
      int n = 0;
      for (int tick = 0; tick < 40; tick++) {
        long now = T + tick * MIN;
        for (int k = rnd.nextInt(4); k > 0; k--) {
          // visible now, modified up to 9 minutes ago: out of order, but within the lookback
          String name = "f" + (n++) + ".jsonl";
          land(f, "d" + rnd.nextInt(3) + "/" + name, now - rnd.nextInt(9) * MIN - rnd.nextInt(1000), 1 + rnd.nextInt(100));
          landed.add(name);
        }
        SourcePlan p = plan(src, cp);
        names(p).forEach(x -> taken.merge(x, 1, Integer::sum));
        cp = p.next();
        assertThat(cp.files().values()).allMatch(m -> m >= p.next().horizon());
      }
      for (int i = 0; i < 1000; i++) {
        SourcePlan p = plan(src, cp);
        if (p.isEmpty()) break;
        names(p).forEach(x -> taken.merge(x, 1, Integer::sum));
        cp = p.next();
      }
      assertThat(taken.keySet()).containsExactlyInAnyOrderElementsOf(landed);
      assertThat(taken.values()).allMatch(c -> c == 1);
    }
  }
}
