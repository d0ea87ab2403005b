package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.NOW;
import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroReaderTest {
  @TempDir Path dir;
  IngestFixture avro;

  @BeforeEach
  void setUp() throws Exception {
    avro = new IngestFixture(dir.resolve("avro"), "avro", null);
  }

  @Test
  void compressedFilesAreRead() throws Exception {
    for (CodecFactory codec : List.of(CodecFactory.deflateCodec(6), CodecFactory.snappyCodec(), CodecFactory.xzCodec(6),
        CodecFactory.zstandardCodec(3), CodecFactory.bzip2Codec())) {
      List<GenericRecord> recs = java.util.stream.IntStream.range(0, 500)
          .mapToObj(i -> AvroFiles.order(avro.schema, "o" + i, i)).toList();
      byte[] file = AvroFiles.write(avro.schema, codec, 100, recs);
      IngestResult r = balanced(avro.read(avro.land("c-" + codec + ".avro", file)), 500, 500);
      assertThat(r.records().get(499).get("id")).isEqualTo("o499");
      assertThat(r.records().get(499).get("kind").toString()).isEqualTo("buy");
    }
  }

  @Test
  void writerSchemaIsResolvedFieldByField() throws Exception {
    // different order, int where the table has long (seq), float where it has double (price),
    // timestamp-micros where it has millis, no tags (has a default) and no price (nullable)
    Schema tsMicros = org.apache.avro.LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    Schema writer = SchemaBuilder.record("Other").namespace("w").fields()
        .name("ts").type(tsMicros).noDefault()
        .name("seq").type().intType().noDefault()
        .name("price").type().optional().floatType()
        .name("kind").type().enumeration("K").symbols("sell", "buy").noDefault()
        .requiredInt("qty").requiredString("id").endRecord();
    GenericData.Record w = new GenericData.Record(writer);
    w.put("ts", 1714557600123456L);
    w.put("seq", 3);
    w.put("price", 2.5f);
    w.put("kind", new GenericData.EnumSymbol(writer.getField("kind").schema(), "sell"));
    w.put("qty", 4);
    w.put("id", new org.apache.avro.util.Utf8("x"));
    avro = new IngestFixture(dir.resolve("skew"), "avro", "validation:\n  max-future-skew: 3650d");
    IngestResult r = balanced(avro.read(avro.land("w.avro", AvroFiles.write(writer, CodecFactory.nullCodec(), 10,
        List.of(w)))), 1, 1);
    GenericRecord g = r.records().get(0);
    assertThat(g.get("ts")).isEqualTo(1714557600123L);
    assertThat(g.get("seq")).isEqualTo(3L);
    assertThat(g.get("price")).isEqualTo(2.5);
    assertThat(g.get("kind").toString()).isEqualTo("sell");
    assertThat(g.get("id")).isEqualTo("x");
    assertThat((List<?>) g.get("tags")).isEmpty();
  }

  @Test
  void extraWriterFieldIsUnknownUnlessAllowed() throws Exception {
    Schema writer = SchemaBuilder.record("Order").fields().requiredString("id").requiredInt("qty")
        .requiredString("kind").requiredLong("ts").requiredString("colour").endRecord();
    GenericData.Record w = new GenericData.Record(writer);
    w.put("id", "a");
    w.put("qty", 1);
    w.put("kind", "buy");
    w.put("ts", NOW);
    w.put("colour", "red");
    byte[] file = AvroFiles.write(writer, CodecFactory.nullCodec(), 10, List.of(w));
    assertThat(reasons(balanced(avro.read(avro.land("x.avro", file)), 1, 0))).containsExactly("unknown field 'colour'");
    IngestFixture lax = new IngestFixture(dir.resolve("lax"), "avro", "validation:\n  allow-unknown-fields: true");
    balanced(lax.read(lax.land("x.avro", file)), 1, 1);
  }

  @Test
  void largeHeaderIsNotMistakenForTruncation() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(avro.schema))) {
      w.setMeta("big", "m".repeat(200_000));
      w.create(avro.schema, out);
      w.append(AvroFiles.order(avro.schema, "a", 1));
    }
    balanced(avro.read(avro.land("h.avro", out.toByteArray())), 1, 1);
  }

  @Test
  void everyTruncationKeepsWholeBlocksAndNeverThrows() throws Exception {
    byte[] full = AvroFiles.orders(avro.schema, 7, 3);   // blocks: 3, 3, 1 records
    int header = (int) AvroReader.headerLength(new java.io.ByteArrayInputStream(full));
    int[] blockEnds = blockEnds(full, header);
    assertThat(blockEnds).hasSize(3);
    for (int len = 1; len < full.length; len++) {
      IngestResult r = avro.read(avro.land("cut" + len + ".avro", Arrays.copyOf(full, len)));
      int whole = 0;
      for (int i = 0; i < blockEnds.length; i++) {
        if (blockEnds[i] <= len) whole = i == 2 ? 7 : (i + 1) * 3;
      }
      String at = "cut at " + len;
      assertThat(r.records()).as(at).hasSize(whole);
      int cut = len;
      if (len == header || Arrays.stream(blockEnds).anyMatch(e -> e == cut)) {
        // cut exactly between blocks: a valid, shorter container (undetectable, nothing lost from what is there)
        assertThat(r.quarantined()).as(at).isEmpty();
        continue;
      }
      assertThat(r.quarantined()).as(at).hasSize(1);
      assertThat(r.recordsIn()).as(at).isEqualTo(whole + 1);
      QuarantinedRecord q = r.quarantined().get(0);
      if (len < header) {
        assertThat(q.line()).as(at).isZero();
        assertThat(q.error()).as(at).startsWith(len < 4 ? "not an Avro container file" : "corrupt Avro container header");
      } else {
        assertThat(q.line()).as(at).isEqualTo(whole + 1);
        assertThat(q.error()).as(at).startsWith("truncated or corrupt Avro file after record " + whole + ": ");
      }
    }
  }

  @Test
  void corruptBytesNeverFailTheBatchOrLoseCount() throws Exception {
    byte[] full = AvroFiles.orders(avro.schema, 40, 10);
    int header = (int) AvroReader.headerLength(new java.io.ByteArrayInputStream(full));
    Random rnd = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      byte[] bad = full.clone();
      for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
        bad[header + rnd.nextInt(full.length - header)] = (byte) rnd.nextInt(256);
      }
      IngestResult r = avro.read(avro.land("bad" + trial + ".avro", bad));
      assertThat(r.recordsIn()).isEqualTo(r.records().size() + r.quarantined().size());
      assertThat(r.files().get(0).skipped()).isNull();
      assertThat(r.quarantined()).extracting(QuarantinedRecord::line).doesNotHaveDuplicates();
    }
  }

  @Test
  void absurdBlockSizeIsRefusedWithoutAllocatingIt() throws Exception {
    byte[] full = AvroFiles.orders(avro.schema, 2, 10);
    int header = (int) AvroReader.headerLength(new java.io.ByteArrayInputStream(full));
    // block header: count 2 = zigzag 4; then the size as a varint: write 2^31-2
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(full, 0, header);
    b.write(4);
    long zz = (Integer.MAX_VALUE - 1L) << 1;
    while ((zz & ~0x7FL) != 0) {
      b.write((int) ((zz & 0x7F) | 0x80));
      zz >>>= 7;
    }
    b.write((int) zz);
    b.write(new byte[100], 0, 100);
    IngestResult r = balanced(avro.read(avro.land("huge.avro", b.toByteArray())), 1, 0);
    assertThat(reasons(r)).containsExactly("truncated or corrupt Avro file after record 0: the block at byte " + header
        + " declares 2147483646 bytes but 84 remain; the rest of the file was not read");
  }

  @Test
  void headerOnlyFileHasNoRecordsAndAnUnknownCodecIsOneRecord() throws Exception {
    byte[] empty = AvroFiles.orders(avro.schema, 0, 10);
    balanced(avro.read(avro.land("none.avro", empty)), 0, 0);
    byte[] patched = replace(AvroFiles.orders(avro.schema, 1, 10), "avro.codec\u0008null", "avro.codec\u0008lzo!");
    IngestResult r = balanced(avro.read(avro.land("lzo.avro", patched)), 1, 0);
    assertThat(r.quarantined().get(0).line()).isZero();
    assertThat(reasons(r)).containsExactly("unreadable Avro container header: Unrecognized codec: lzo!");
  }

  /** Offsets just after each block (its sync marker). */
  private static int[] blockEnds(byte[] file, int header) {
    byte[] sync = Arrays.copyOfRange(file, header - 16, header);
    java.util.List<Integer> ends = new java.util.ArrayList<>();
    for (int i = header; i + 16 <= file.length; i++) {
      if (Arrays.equals(Arrays.copyOfRange(file, i, i + 16), sync)) {
        ends.add(i + 16);
      }
    }
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }

  private static byte[] replace(byte[] data, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.ISO_8859_1);
    byte[] t = to.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i + f.length <= data.length; i++) {
      if (Arrays.equals(Arrays.copyOfRange(data, i, i + f.length), f)) {
        byte[] out = data.clone();
        System.arraycopy(t, 0, out, i, t.length);
        return out;
      }
    }
    throw new AssertionError("not found: " + from);
  }
}
