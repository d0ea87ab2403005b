package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.NOW;
import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.core.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files parsed by several threads give exactly what one thread gives, in file order. */
class ParallelReadTest {
  @TempDir Path dir;

  private static IngestFixture fixture(Path dir, int threads) throws Exception {
    return new IngestFixture(dir, "jsonl", """
        read-threads: %d
        validation:
          allow-unknown-fields: true""".formatted(threads));
  }

  /** Twelve files of different sizes, each with a malformed line and a record carrying an unknown field. */
  private static List<LandingFile> land(IngestFixture fx) throws Exception {
    List<LandingFile> files = new ArrayList<>();
    for (int f = 0; f < 12; f++) {
      StringBuilder s = new StringBuilder();
      for (int k = 0; k < 50 + 40 * f; k++) {
        s.append(order("f" + f + "-" + k, 1 + k % 5, NOW - k)).append('\n');
      }
      s.append("{broken ").append(f).append('\n');
      s.append(order("f" + f + "-extra", 1, NOW).replace("}", ",\"coupon\":\"x\"}")).append('\n');
      files.add(fx.land(String.format("part-%02d.jsonl", f), s.toString()));
    }
    return files;
  }

  private static List<String> records(IngestResult r) {
    return r.records().stream().map(GenericRecord::toString).toList();
  }

  @Test
  void anyThreadCountGivesTheSequentialResultInFileOrder() throws Exception {
    IngestFixture one = fixture(dir.resolve("one"), 1);
    List<LandingFile> files = land(one);
    IngestResult sequential = one.reader().read(files);
    IngestResult parallel = fixture(dir.resolve("four"), 4).reader().read(files);

    long in = 0;
    for (int f = 0; f < 12; f++) {
      in += 50 + 40 * f + 2;
    }
    balanced(sequential, in, in - 12);
    balanced(parallel, in, in - 12);
    assertThat(records(parallel)).isEqualTo(records(sequential));
    assertThat(parallel.quarantined()).isEqualTo(sequential.quarantined());
    assertThat(parallel.files()).isEqualTo(sequential.files());
    assertThat(parallel.files()).extracting(FileReport::file)
        .containsExactlyElementsOf(files.stream().map(LandingFile::path).toList());
    assertThat(parallel.ignoredFields()).isEqualTo(sequential.ignoredFields()).containsEntry("coupon", 12L);
  }

  @Test
  void theFirstUnreadableFileInFileOrderFailsTheBatch() throws Exception {
    IngestFixture fx = fixture(dir, 3);
    List<LandingFile> files = new ArrayList<>(land(fx));
    Path gone = Path.of(java.net.URI.create(files.get(4).path()));
    Files.delete(gone);
    Files.createDirectories(gone);   // exists, but cannot be read as a file: fails, not skipped
    SluiceException e = catchThrowableOfType(() -> fx.reader().read(files), SluiceException.class);
    assertThat(e).hasMessageContaining("cannot read landing file " + files.get(4).path());
  }
}
