package io.sluice.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/** Avro container files for tests. */
final class AvroFiles {
  private AvroFiles() {}

  /** {@code n} valid orders ({@link IngestFixture#SCHEMA}) ids o1..on, in blocks of {@code perBlock} records. */
  static byte[] orders(Schema schema, int n, int perBlock) throws IOException {
    return write(schema, CodecFactory.nullCodec(), perBlock, java.util.stream.IntStream.rangeClosed(1, n)
        .mapToObj(i -> order(schema, "o" + i, i)).toList());
  }

  static GenericRecord order(Schema schema, String id, int qty) {
    GenericData.Record g = new GenericData.Record(schema);
    g.put("id", id);
    g.put("qty", qty);
    g.put("kind", new GenericData.EnumSymbol(schema.getField("kind").schema(), "buy"));
    g.put("ts", IngestFixture.NOW);
    g.put("seq", 1L);
    g.put("tags", List.of("t"));
    return g;
  }

  /** Records written with {@code schema}, a block boundary after every {@code perBlock} records. */
  static byte[] write(Schema schema, CodecFactory codec, int perBlock, List<? extends GenericRecord> records)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      w.setCodec(codec);
      w.create(schema, out);
      int i = 0;
      for (GenericRecord r : records) {
        w.append(r);
        if (++i % perBlock == 0) {
          w.sync();
        }
      }
    }
    return out.toByteArray();
  }
}
