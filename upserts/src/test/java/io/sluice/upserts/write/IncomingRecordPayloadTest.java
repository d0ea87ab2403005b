package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.util.Option;
import org.junit.jupiter.api.Test;

/** The payload that keeps its record answers exactly as Hudi's decoding payload does. */
class IncomingRecordPayloadTest {
  private static final String FIELDS = """
      {"name":"id","type":"string"},{"name":"seq","type":"long"},
      {"name":"op","type":["null","string"],"default":null},
      {"name":"_hoodie_is_deleted","type":"boolean","default":false}""";
  private static final Schema SCHEMA = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"E\",\"fields\":[" + FIELDS + "]}");
  // the same schema parsed again (a different instance, as Hudi's write config holds), and one with the
  // same layout that is not equal (a property differs), which must be decoded
  private static final Schema SAME = new Schema.Parser().parse(SCHEMA.toString());
  private static final Schema OTHER = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"E\",\"x\":\"y\",\"fields\":[" + FIELDS + "]}");

  private static GenericRecord record(String op, boolean deleted) {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("id", "k1");
    r.put("seq", 7L);
    r.put("op", op);
    r.put("_hoodie_is_deleted", deleted);
    return r;
  }

  private static Properties deleteMarker() {
    Properties p = new Properties();
    p.setProperty(DefaultHoodieRecordPayload.DELETE_KEY, "op");
    p.setProperty(DefaultHoodieRecordPayload.DELETE_MARKER, "D");
    return p;
  }

  private static String show(Option<IndexedRecord> r) {
    return r.isPresent() ? r.get().toString() : "<deleted>";
  }

  @Test
  void answersAsHudisPayloadForUpsertsDeletesAndMarkers() throws Exception {
    for (GenericRecord r : new GenericRecord[] {record("U", false), record("D", false), record(null, true)}) {
      for (Properties props : new Properties[] {new Properties(), deleteMarker()}) {
        DefaultHoodieRecordPayload hudi = new DefaultHoodieRecordPayload(r, 7L);
        for (Schema asked : new Schema[] {SCHEMA, SAME, OTHER}) {
          IncomingRecordPayload ours = new IncomingRecordPayload(r, 7L);
          assertThat(ours.isDeleted(asked, props)).as("isDeleted %s %s", r, props).isEqualTo(hudi.isDeleted(asked, props));
          assertThat(show(ours.getInsertValue(asked, props))).isEqualTo(show(hudi.getInsertValue(asked, props)));
          assertThat(show(ours.getInsertValue(asked))).isEqualTo(show(hudi.getInsertValue(asked)));
        }
      }
    }
  }

  @Test
  void keepsTheRecordOnlyForItsOwnSchema() throws Exception {
    GenericRecord r = record("U", false);
    IncomingRecordPayload payload = new IncomingRecordPayload(r, 7L);
    assertThat(payload.getInsertValue(SAME).get()).isSameAs(r);
    IndexedRecord decoded = payload.getInsertValue(OTHER).get();
    assertThat(decoded).isNotSameAs(r);
    assertThat(decoded.getSchema()).isSameAs(OTHER);
  }
}
