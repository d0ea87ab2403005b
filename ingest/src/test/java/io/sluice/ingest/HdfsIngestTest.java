package io.sluice.ingest;

import static io.sluice.ingest.IngestFixture.NOW;
import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.order;
import static io.sluice.ingest.IngestFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import io.sluice.core.testing.MiniDfs;
import io.sluice.core.util.HadoopConfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing and reading against a real HDFS (MiniDFSCluster, one datanode). */
class HdfsIngestTest {
  static MiniDfs dfs;
  static FileSystem fs;

  @TempDir Path dir;

  @BeforeAll
  static void startHdfs() throws Exception {
    dfs = new MiniDfs("ingest", 1);
    fs = dfs.fs();
  }

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.close();
    }
  }

  private IngestFixture pipeline(String name, String format) throws Exception {
    String landing = dfs.uri() + "/landing/" + name;
    fs.mkdirs(new org.apache.hadoop.fs.Path(landing));
    return new IngestFixture(dir.resolve(name), "landing-dir: " + landing, format, null, null, IngestFixture.SCHEMA);
  }

  private static void put(IngestFixture f, String name, byte[] content, long mtime) throws Exception {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(f.spec.source().landingDir() + "/" + name);
    try (FSDataOutputStream out = fs.create(p, true)) {
      out.write(content);
    }
    fs.setTimes(p, mtime, -1);
  }

  private static void put(IngestFixture f, String name, String content, long mtime) throws Exception {
    put(f, name, content.getBytes(StandardCharsets.UTF_8), mtime);
  }

  @Test
  void jsonLinesAreListedInOrderAndReadAcrossBatches() throws Exception {
    IngestFixture f = pipeline("jsonl", "jsonl");
    Configuration conf = HadoopConfs.of(f.spec);
    long t = NOW - 3_600_000;
    put(f, "dt=2024-05-01/b.jsonl", order("b", 2, NOW) + "\n" + "{\"id\":\"x\",\"qty\":\"no\"}\n", t + 2000);
    put(f, "a.jsonl", order("a", 1, NOW) + "\n", t + 1000);
    put(f, "_writing.jsonl", order("z", 1, NOW), t);
    put(f, "empty.jsonl", "", t + 3000);
    LandingDirSource src = new LandingDirSource(f.spec, conf);
    SourcePlan p1 = src.plan(SourceCheckpoint.EMPTY);
    assertThat(p1.files()).extracting(LandingFile::path).allMatch(p -> p.startsWith(dfs.uri() + "/landing/jsonl/"));
    assertThat(p1.files()).extracting(x -> x.path().substring(x.path().lastIndexOf('/') + 1))
        .containsExactly("a.jsonl", "b.jsonl", "empty.jsonl");
    IngestResult r = balanced(new EventReader(f.spec, f.schema, conf).read(p1.files()), 3, 2);
    assertThat(r.records()).extracting(g -> g.get("id")).containsExactly("a", "b");
    assertThat(r.records().get(1).get("_source_file")).isEqualTo(p1.files().get(1).path());
    assertThat(r.records().get(1).get("_ingested_at")).isEqualTo(t + 2000);
    assertThat(r.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.line()).isEqualTo(2);
      assertThat(q.error()).isEqualTo("field 'qty': expected int, got \"no\"");
    });
    assertThat(r.files()).extracting(FileReport::recordsIn).containsExactly(1L, 2L, 0L);

    SourceCheckpoint cp = SourceCheckpoint.fromJson(p1.next().toJson());
    assertThat(src.plan(cp).isEmpty()).isTrue();
    put(f, "c.jsonl", order("c", 1, NOW) + "\n", t + 4000);
    SourcePlan p2 = src.plan(cp);
    assertThat(p2.files()).hasSize(1);
    assertThat(balanced(new EventReader(f.spec, f.schema, conf).read(p2.files()), 1, 1).records().get(0).get("id"))
        .isEqualTo("c");
  }

  @Test
  void csvAndAvroIncludingATruncatedContainer() throws Exception {
    IngestFixture c = pipeline("csv", "csv");
    put(c, "o.csv", "id,qty,kind,ts\na,1,buy,2024-05-01T10:00:00Z\n\"b\"x,2,buy,2024-05-01T10:00:00Z\nc,3,sell,"
        + NOW + "\n", NOW - 1000);
    Configuration conf = HadoopConfs.of(c.spec);
    IngestResult rc = balanced(new EventReader(c.spec, c.schema, conf).read(
        new LandingDirSource(c.spec, conf).plan(SourceCheckpoint.EMPTY).files()), 3, 2);
    assertThat(reasons(rc)).containsExactly("malformed CSV: invalid char between encapsulated token and delimiter");

    IngestFixture a = pipeline("avro", "avro");
    byte[] full = AvroFiles.orders(a.schema, 5, 2);
    put(a, "good.avro", full, NOW - 2000);
    put(a, "cut.avro", Arrays.copyOf(full, full.length - 10), NOW - 1000);
    SourcePlan plan = new LandingDirSource(a.spec, conf).plan(SourceCheckpoint.EMPTY);
    IngestResult ra = balanced(new EventReader(a.spec, a.schema, conf).read(plan.files()), 10, 9);
    assertThat(ra.quarantined()).singleElement().satisfies(q -> {
      assertThat(q.sourceFile()).endsWith("/cut.avro");
      assertThat(q.line()).isEqualTo(5);
      assertThat(q.error()).startsWith("truncated or corrupt Avro file after record 4: the block at byte ");
    });
  }

  @Test
  void fileDeletedAfterPlanningIsSkippedAndAMissingDirIsAClearError() throws Exception {
    IngestFixture f = pipeline("gone", "jsonl");
    Configuration conf = HadoopConfs.of(f.spec);
    put(f, "gone.jsonl", order("a", 1, NOW), NOW - 2000);
    put(f, "kept.jsonl", order("b", 1, NOW), NOW - 1000);
    SourcePlan plan = new LandingDirSource(f.spec, conf).plan(SourceCheckpoint.EMPTY);
    fs.delete(new org.apache.hadoop.fs.Path(plan.files().get(0).path()), false);
    IngestResult r = balanced(new EventReader(f.spec, f.schema, conf).read(plan.files()), 1, 1);
    assertThat(r.files()).extracting(FileReport::skipped)
        .containsExactly("file vanished between listing and reading", null);

    fs.delete(new org.apache.hadoop.fs.Path(f.spec.source().landingDir()), true);
    assertThatThrownBy(() -> new LandingDirSource(f.spec, conf).plan(SourceCheckpoint.EMPTY))
        .isInstanceOf(SluiceException.class)
        .hasMessage("landing dir " + f.spec.source().landingDir()
            + " does not exist; create it, or fix source.landing-dir in the spec");
    assertThat(List.of(plan.next().files().size())).containsExactly(2);
  }
}
