package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.NOW;
import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.core.SluiceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.util.ReflectionUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compressed text landing files are read through the Hadoop codec their name selects. */
class CompressedLandingFileTest {
  @TempDir Path dir;
  IngestFixture fx;
  EventReader reader;

  @BeforeEach
  void setUp() throws Exception {
    fx = new IngestFixture(dir, "jsonl", null);
    reader = new EventReader(fx.spec, fx.schema, fx.conf, 1, 1);
  }

  private static String content() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      s.append(order("k" + i, 1 + i % 7, NOW)).append('\n');
    }
    return s.append("{not json\n").toString();
  }

  private interface Compressor {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private static byte[] compress(String text, Compressor c) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = c.wrap(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static List<String> keys(IngestResult r) {
    return r.records().stream().map(g -> g.get("id").toString()).toList();
  }

  @Test
  void gzipAndBzip2FilesReadLikeThePlainFile() throws Exception {
    IngestResult plain = balanced(reader.read(List.of(fx.land("plain.jsonl", content()))), 501, 500);
    IngestResult gz = balanced(reader.read(List.of(fx.land("batch.jsonl.gz", compress(content(), GZIPOutputStream::new)))),
        501, 500);
    IngestResult bz2 = balanced(reader.read(List.of(
        fx.land("batch.jsonl.bz2", compress(content(), ReflectionUtils.newInstance(BZip2Codec.class, fx.conf)::createOutputStream)))),
        501, 500);
    assertThat(keys(gz)).isEqualTo(keys(plain));
    assertThat(keys(bz2)).isEqualTo(keys(plain));
    // the malformed line is named by its line number in the decompressed text
    assertThat(gz.quarantined().get(0).line()).isEqualTo(501);
  }

  @Test
  void aTruncatedGzipFileFailsTheBatchNamingIt() throws Exception {
    byte[] whole = compress(content(), GZIPOutputStream::new);
    LandingFile cut = fx.land("cut.jsonl.gz", Arrays.copyOf(whole, whole.length / 2));
    SluiceException e = catchThrowableOfType(() -> reader.read(List.of(cut)), SluiceException.class);
    assertThat(e).hasMessageContaining("cannot read landing file " + cut.path())
        .hasMessageContaining("nothing was committed and the next run retries it");
  }
}
