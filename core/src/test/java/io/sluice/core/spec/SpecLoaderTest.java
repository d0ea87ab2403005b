package io.sluice.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {
  @TempDir Path dir;

  static final String SCHEMA = """
      {"type":"record","name":"E","fields":[
        {"name":"id","type":"string"},
        {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"v","type":["null","double"],"default":null},
        {"name":"seq","type":"long"},
        {"name":"gone","type":"boolean","default":false}]}""";

  static final String GOOD = """
      name: clicks
      source:
        schema: e.avsc
        max-bytes-per-batch: 64m
        listing-lookback: 30m
      table:
        type: mor
        record-key: [id]
        ordering-field: seq
        event-time-field: ts
        partition-grain: hour
        delete-field: gone
      hudi:
        hoodie.cleaner.commits.retained: 5
      hadoop:
        fs.defaultFS: file:///
      """;

  @BeforeEach
  void schema() throws IOException {
    Files.writeString(dir.resolve("e.avsc"), SCHEMA);
  }

  private PipelineSpec load(String yaml) throws IOException {
    Path f = dir.resolve("p.yaml");
    Files.writeString(f, yaml);
    return SpecLoader.load(f.toString(), yaml, dir, dir);
  }

  private SpecException fails(String yaml) {
    return (SpecException) org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
  }

  @Test
  void loadsAndFillsLaptopDefaults() throws IOException {
    PipelineSpec s = load(GOOD);
    assertThat(s.name()).isEqualTo("clicks");
    assertThat(s.workDir()).isEqualTo("file://" + dir.resolve("sluice-work"));
    assertThat(s.source().landingDir()).isEqualTo(s.workDir() + "/landing/clicks");
    assertThat(s.source().schema()).isEqualTo("file://" + dir.resolve("e.avsc"));
    assertThat(s.source().format()).isEqualTo(SourceFormat.JSONL);
    assertThat(s.source().maxBytesPerBatch().bytes()).isEqualTo(64L << 20);
    assertThat(s.source().maxFilesPerBatch()).isEqualTo(1000);
    assertThat(s.source().listingLookback()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.table().name()).isEqualTo("clicks_events");
    assertThat(s.table().basePath()).isEqualTo(s.workDir() + "/tables/clicks_events");
    assertThat(s.table().type()).isEqualTo(TableType.MOR);
    assertThat(s.table().partitionColumns()).containsExactly("dt", "hr");
    assertThat(s.table().index()).isEqualTo(IndexType.BLOOM);
    assertThat(s.hudi()).containsEntry("hoodie.cleaner.commits.retained", "5");
    assertThat(s.hadoop()).containsEntry("fs.defaultFS", "file:///");
  }

  @Test
  void shippedSpecsLoad() {
    Path root = Path.of(System.getProperty("sluice.repo.root", "..")).toAbsolutePath();
    PipelineSpec demo = SpecLoader.load(root.resolve("conf/demo.yaml"));
    assertThat(demo.table().recordKey()).containsExactly("event_id");
    PipelineSpec ref = SpecLoader.load(root.resolve("conf/reference.yaml"));
    assertThat(ref.name()).isNotBlank();
  }

  @Test
  void unknownKeyNamesFileLinePathAndSuggestsTheKey() {
    SpecException e = fails(GOOD.replace("ordering-field: seq", "orderng-field: seq"));
    assertThat(e.yamlPath()).isEqualTo("table.orderng-field");
    assertThat(e.line()).isEqualTo(9);
    assertThat(e.getMessage()).contains("p.yaml:9", "unknown key 'orderng-field'", "did you mean 'ordering-field'");
  }

  @Test
  void invalidEnumListsAllowedValues() {
    SpecException e = fails(GOOD.replace("type: mor", "type: merge"));
    assertThat(e.yamlPath()).isEqualTo("table.type");
    assertThat(e.getMessage()).contains("invalid value 'merge'", "cow, mor");
  }

  @Test
  void badDurationAndSizeAreExplained() {
    assertThat(fails(GOOD.replace("listing-lookback: 30m", "listing-lookback: soon")).getMessage())
        .contains("source.listing-lookback", "not a duration");
    assertThat(fails(GOOD.replace("max-bytes-per-batch: 64m", "max-bytes-per-batch: lots")).getMessage())
        .contains("source.max-bytes-per-batch", "not a size");
  }

  @Test
  void wrongShapeIsExplained() {
    SpecException e = fails(GOOD.replace("record-key: [id]", "record-key: {a: b}"));
    assertThat(e.yamlPath()).startsWith("table.record-key");
    assertThat(e.getMessage()).contains("wrong type");
  }

  @Test
  void fieldsMustExistInTheSchemaWithUsableTypes() {
    SpecException e = fails(GOOD.replace("record-key: [id]", "record-key: [idd]"));
    assertThat(e.yamlPath()).isEqualTo("table.record-key[0]");
    assertThat(e.getMessage()).contains("field 'idd' is not in the schema", "did you mean 'id'");
    assertThat(fails(GOOD.replace("event-time-field: ts", "event-time-field: v")).getMessage())
        .contains("table.event-time-field", "field 'v' is double");
    assertThat(fails(GOOD.replace("delete-field: gone", "delete-field: seq")).getMessage())
        .contains("table.delete-field", "expected one of [BOOLEAN]");
  }

  @Test
  void recordScoringColumnsAndLimitsAreValidated() throws IOException {
    String metrics = "metrics:\n  definitions:\n    - {name: m, grain: 1h, measures: [count]}\n";
    PipelineSpec ok = load(GOOD + metrics + "checks:\n  records: {enabled: true, numeric: [v], entity: id}\n");
    assertThat(ok.checks().records().enabled()).isTrue();
    assertThat(ok.checks().records().sampleSize()).isEqualTo(1024);
    assertThat(ok.checks().records().updateSample()).isEqualTo(4096);
    SpecException e = fails(GOOD + metrics + "checks:\n  records:\n    numeric: [id]\n");
    assertThat(e.yamlPath()).isEqualTo("checks.records.numeric[0]");
    assertThat(e.getMessage()).contains("field 'id' is string");
    assertThat(fails(GOOD + metrics + "checks:\n  records:\n    threshold: 0.9\n    critical: 0.8\n").getMessage())
        .contains("checks.records.threshold", "threshold <= critical");
    assertThat(fails(GOOD + metrics + "checks:\n  records:\n    sample-size: 8\n").getMessage())
        .contains("checks.records.sample-size");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    SpecException e = fails("""
        name: Bad-Name
        source:
          schema: e.avsc
        table:
          ordering-field: seq
        hudi:
          cleaner.commits: 3
        """);
    assertThat(e.getMessage()).contains("4 problems", "invalid pipeline name 'Bad-Name'", "missing record key",
        "missing event-time field", "'cleaner.commits' is not a Hudi config key");
  }

  @Test
  void missingOrBrokenSchemaFileFailsAtLoad() throws IOException {
    assertThat(fails(GOOD.replace("schema: e.avsc", "schema: nope.avsc")).getMessage())
        .contains("source.schema", "cannot read schema", "nope.avsc");
    Files.writeString(dir.resolve("bad.avsc"), "{\"type\": \"record\", \"name\": ");
    assertThat(fails(GOOD.replace("schema: e.avsc", "schema: bad.avsc")).getMessage())
        .contains("source.schema", "not valid Avro");
  }

  @Test
  void reservedFieldNamesAreRefused() throws IOException {
    Files.writeString(dir.resolve("e.avsc"), SCHEMA.replace("\"name\":\"v\"", "\"name\":\"dt\""));
    assertThat(fails(GOOD).getMessage()).contains("field 'dt' is reserved");
  }

  @Test
  void syntaxErrorsAndEmptySpecs() {
    assertThat(fails("name: [unclosed\n").getMessage()).contains("p.yaml");
    assertThat(fails("").getMessage()).contains("empty");
    assertThat(fails(GOOD + "name: again\n").getMessage()).contains("name");
  }

  @Test
  void readThreadsDefaultToTheCoresAndMustBePositive() throws Exception {
    assertThat(load(GOOD).source().readThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(load(GOOD.replace("listing-lookback: 30m", "listing-lookback: 30m\n  read-threads: 3"))
        .source().readThreads()).isEqualTo(3);
    assertThat(fails(GOOD.replace("listing-lookback: 30m", "listing-lookback: 30m\n  read-threads: 0")).getMessage())
        .contains("source.read-threads", "must be at least 1");
  }

  @Test
  void metricDefinitionsAreValidatedAgainstTheSchema() {
    String metrics = """
        metrics:
          definitions:
            - name: m1
              grain: 15m
              dimensions: [id]
              measures: [count, sum(v), p95(v), count_distinct(id)]
              filter: "v > 3 && gone == false"
        """;
    assertThatThrownBy(() -> load(GOOD + metrics.replace("grain: 15m", "grain: 10m")))
        .hasMessageContaining("metrics.definitions[0].grain").hasMessageContaining("not one of 5m, 15m, 1h, 1d");
    assertThat(fails(GOOD + metrics.replace("sum(v)", "sum(id)")).getMessage())
        .contains("metrics.definitions[0].measures[1]", "field 'id' is string");
    assertThat(fails(GOOD + metrics.replace("p95(v)", "median(v)")).getMessage())
        .contains("metrics.definitions[0].measures[2]", "unknown measure 'median'");
    assertThat(fails(GOOD + metrics.replace("dimensions: [id]", "dimensions: [colour]")).getMessage())
        .contains("metrics.definitions[0].dimensions[0]", "field 'colour' is not in the schema");
    assertThat(fails(GOOD + metrics.replace("gone == false", "colour == 'red'")).getMessage())
        .contains("metrics.definitions[0].filter", "filter reads 'colour'");
    assertThat(fails(GOOD + metrics.replace("v > 3 && gone == false", "v > > 3")).getMessage())
        .contains("metrics.definitions[0].filter", "not a valid expression");
    assertThat(fails(GOOD + metrics + "    - name: m1\n").getMessage()).contains("metric 'm1' is defined twice");
    assertThat(fails(GOOD + metrics.replace("p95(v)", "approx_p95(id)")).getMessage())
        .contains("metrics.definitions[0].measures[2]", "field 'id' is string");
    assertThat(fails(GOOD + metrics.replace("p95(v)", "approx_p0(v)")).getMessage())
        .contains("metrics.definitions[0].measures[2]", "must be p1..p99");
    Measure approx = Measure.parse("approx_p95(v)");
    assertThat(approx).isEqualTo(new Measure(Measure.Kind.APPROX_PERCENTILE, "v", 95));
    assertThat(approx.column()).isEqualTo("approx_p95_v");
    assertThat(approx).hasToString("approx_p95(v)");
    assertThat(Measure.parse("p5(v)")).isEqualTo(new Measure(Measure.Kind.PERCENTILE, "v", 5));
  }

  @Test
  void anUnquotedYamlNullIsNotTakenForTheNullValueText() throws IOException {
    String csv = GOOD.replace("  schema: e.avsc\n", "  schema: e.avsc\n  format: csv\n  csv:\n    null-value: NULL\n");
    SpecException e = fails(csv);
    assertThat(e.getMessage()).contains("source.csv.null-value", "'null-value' is YAML's null", "null-value: \"NULL\"");
    assertThat(load(csv.replace("null-value: NULL", "null-value: \"NULL\"")).source().csv().nullValue()).isEqualTo("NULL");
    assertThat(load(GOOD).source().csv().nullValue()).isEmpty();
  }

  @Test
  void filtersCannotReachJava() {
    assertThatThrownBy(() -> EventFilter.compile("''.getClass().forName('java.lang.Runtime')"))
        .isInstanceOf(IllegalArgumentException.class);
    EventFilter f = EventFilter.compile("kind == 'order' && amount > 10");
    assertThat(f.fields()).containsExactly("amount", "kind");
    assertThat(f.test(java.util.Map.of("kind", "order", "amount", 12.5))).isTrue();
    assertThat(f.test(java.util.Map.of("kind", "view", "amount", 12.5))).isFalse();
    java.util.Map<String, Object> nullAmount = new java.util.HashMap<>();
    nullAmount.put("kind", "order");
    nullAmount.put("amount", null);
    assertThat(f.test(nullAmount)).isFalse();
  }

  @Test
  void absoluteAndUriPathsAreKept() throws IOException {
    PipelineSpec s = load(GOOD.replace("  schema: e.avsc", "  schema: e.avsc\n  landing-dir: hdfs://nn:8020/landing/")
        .replace("  type: mor", "  type: mor\n  base-path: /data/t"));
    assertThat(s.source().landingDir()).isEqualTo("hdfs://nn:8020/landing");
    assertThat(s.table().basePath()).isEqualTo("file:///data/t");
  }

  @Test
  void setOverridesAreAppliedBeforeValidationIncludingPassThroughKeysWithDots() throws IOException {
    Path spec = dir.resolve("clicks.yaml");
    java.nio.file.Files.writeString(spec, GOOD);
    java.nio.file.Files.writeString(dir.resolve("e.avsc"), SCHEMA);
    Map<String, String> o = new java.util.LinkedHashMap<>();
    o.put("work-dir", "hdfs://nn:8020/sluice/clicks");
    o.put("hudi.hoodie.cleaner.commits.retained", "20");
    o.put("oozie.every", "15m");
    o.put("hive.properties.hive.metastore.sasl.enabled", "true");
    PipelineSpec s = SpecLoader.load(spec, o);
    assertThat(s.workDir()).isEqualTo("hdfs://nn:8020/sluice/clicks");
    assertThat(s.table().basePath()).isEqualTo("hdfs://nn:8020/sluice/clicks/tables/clicks_events");
    assertThat(s.hudi()).containsEntry("hoodie.cleaner.commits.retained", "20");
    assertThat(s.oozie().every()).isEqualTo(java.time.Duration.ofMinutes(15));
    assertThat(s.hive().properties()).containsEntry("hive.metastore.sasl.enabled", "true");
    // An override is validated like the file: a typo or a bad value fails with the path.
    assertThatThrownBy(() -> SpecLoader.load(spec, Map.of("oozie.evrey", "5m")))
        .hasMessageContaining("unknown key 'evrey'").hasMessageContaining("every");
    assertThatThrownBy(() -> SpecLoader.load(spec, Map.of("oozie.every", "90s")))
        .hasMessageContaining("oozie.every").hasMessageContaining("whole number of minutes");
    assertThatThrownBy(() -> SpecLoader.load(spec, Map.of("name.x", "y")))
        .hasMessageContaining("'name' is a value, not a section");
  }

  @Test
  void pathsOutsideTheAllowedDirsAreRefusedBeforeAnythingIsWritten() throws IOException {
    Path spec = dir.resolve("clicks.yaml");
    java.nio.file.Files.writeString(spec, GOOD);
    java.nio.file.Files.writeString(dir.resolve("e.avsc"), SCHEMA);
    Map<String, String> o = new java.util.LinkedHashMap<>();
    o.put("work-dir", "hdfs://nn:8020/data/sluice/clicks");
    o.put("security.allowed-dirs", "[hdfs://nn:8020/data/sluice]");
    assertThat(SpecLoader.load(spec, o).workDir()).isEqualTo("hdfs://nn:8020/data/sluice/clicks");

    o.put("source.landing-dir", "hdfs://nn:8020/data/sluice-other/landing");  // a sibling, not a child
    assertThatThrownBy(() -> SpecLoader.load(spec, o))
        .hasMessageContaining("source.landing-dir").hasMessageContaining("outside security.allowed-dirs");
    o.put("source.landing-dir", "hdfs://nn:8020/data/sluice/../secret/landing");
    assertThatThrownBy(() -> SpecLoader.load(spec, o)).hasMessageContaining("outside security.allowed-dirs");
    o.put("source.landing-dir", "hdfs://other-nn:8020/data/sluice/landing");
    assertThatThrownBy(() -> SpecLoader.load(spec, o)).hasMessageContaining("outside security.allowed-dirs");
  }
}
