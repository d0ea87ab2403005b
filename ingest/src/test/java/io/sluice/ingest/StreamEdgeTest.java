package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.NOW;
import static io.sluice.ingest.IngestFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line splitting and decoding when reads return a byte or two at a time. */
class StreamEdgeTest {
  @TempDir Path dir;

  /** Returns 1 to 3 bytes per read, so characters, CRLF pairs and markers are split across reads. */
  static InputStream trickle(byte[] b) {
    Random rnd = new Random(b.length);
    return new FilterInputStream(new ByteArrayInputStream(b)) {
      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        return super.read(buf, off, Math.min(len, 1 + rnd.nextInt(3)));
      }
    };
  }

  private static List<String> lines(byte[] input, long max) throws IOException {
    BoundedLineReader r = new BoundedLineReader(trickle(input), max, 2);
    List<String> out = new ArrayList<>();
    for (BoundedLineReader.Line l; (l = r.next()) != null; ) {
      out.add(l.number() + ":" + new String(l.bytes(), 0, l.kept(), StandardCharsets.UTF_8) + ":" + l.length()
          + (l.oversized() ? ":over" : ""));
    }
    return out;
  }

  @Test
  void boundedLines() throws IOException {
    assertThat(lines("".getBytes(), 3)).isEmpty();
    assertThat(lines("\n".getBytes(), 3)).containsExactly("1::0");
    assertThat(lines("ab\r\n\ncde\nfghi\nj".getBytes(), 3))
        .containsExactly("1:ab:2", "2::0", "3:cde:3", "4:fg:4:over", "5:j:1");
    assertThat(lines("abc\r\nabcd\r\nabc\r".getBytes(), 3)).containsExactly("1:abc:3", "2:ab:5:over", "3:abc:3");
  }

  @Test
  void csvSplitAnywhereReadsTheSame() throws Exception {
    IngestFixture f = new IngestFixture(dir, "csv", null);
    String text = "\uFEFFid,qty,kind,ts\r\n\"é😀\r\nx\",1,buy,2024-05-01T10:00:00Z\r\n\r\n"
        + "\"ü\"x,2,buy,2024-05-01T10:00:00Z\r\nß,3,sell,2024-05-01T10:00:00Z";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    FileSink whole = sink(f, bytes, false);
    FileSink split = sink(f, bytes, true);
    assertThat(split.good).hasSize(2);
    assertThat(split.good.get(0).get("id")).isEqualTo("é😀\r\nx");
    assertThat(split.good.get(1).get("id")).isEqualTo("ß");
    assertThat(split.bad).singleElement().satisfies(q -> {
      assertThat(q.line()).isEqualTo(5);
      assertThat(q.raw()).isEqualTo("\"ü\"x,2,buy,2024-05-01T10:00:00Z");
    });
    assertThat(ids(split.good)).isEqualTo(ids(whole.good));
    assertThat(split.bad).isEqualTo(whole.bad);
  }

  @Test
  void jsonLinesSplitAnywhereReadTheSame() throws Exception {
    IngestFixture f = new IngestFixture(dir, "jsonl", null);
    String text = "\uFEFF" + order("é😀", 1, NOW) + "\r\n  \r\n\n" + "{bad}\r\n" + order("ß", 2, NOW);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    FileSink split = sink(f, bytes, true);
    assertThat(ids(split.good)).containsExactly("é😀", "ß");
    assertThat(split.bad).singleElement().satisfies(q -> assertThat(q.line()).isEqualTo(4));
    assertThat(split.bad).isEqualTo(sink(f, bytes, false).bad);
  }

  private static FileSink sink(IngestFixture f, byte[] bytes, boolean trickle) throws IOException {
    PipelineSpec spec = f.spec;
    LandingFile lf = new LandingFile("mem:/x", bytes.length, NOW);
    TableRecords tables = new TableRecords(f.schema, spec.table(), spec.source().validation());
    FileSink sink = new FileSink(lf, tables);
    ValueConverter conv = new ValueConverter(false, ValueConverter.Style.JSON);
    InputStream in = trickle ? trickle(bytes) : new ByteArrayInputStream(bytes);
    if (spec.source().format() == io.sluice.core.spec.SourceFormat.CSV) {
      new CsvReader(f.schema, conv, spec.source().validation().maxRecordBytes(), false, spec.source().csv()).read(in, sink);
    } else {
      new JsonLinesReader(f.schema, conv, spec.source().validation().maxRecordBytes()).read(in, sink);
    }
    return sink;
  }

  private static List<Object> ids(List<GenericRecord> rs) {
    return rs.stream().map(r -> r.get("id")).toList();
  }
}
