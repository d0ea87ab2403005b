package io.sluice.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.core.spec.TableType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class HiveDdlTest {
  private static final Path ROOT = Path.of(System.getProperty("sluice.repo.root"));

  @Test
  void checkedInDemoDdlIsUpToDate() throws Exception {
    PipelineSpec spec = SpecLoader.load(ROOT.resolve("conf/demo.yaml"));
    Map<String, String> rendered = new DdlWriter(spec, new Configuration(), "default", "sluice_work_dir").render();
    assertThat(rendered.keySet()).containsExactly("demo_events.sql", "demo_metrics.sql", "demo_check_results.sql",
        "demo_quarantine.sql");
    for (Map.Entry<String, String> e : rendered.entrySet()) {
      Path file = ROOT.resolve("hive-ddl/demo").resolve(e.getKey());
      assertThat(file).as("regenerate with: ./sluice ddl -p conf/demo.yaml --location-var sluice_work_dir --out hive-ddl/demo")
          .exists();
      assertThat(Files.readString(file)).as("%s is stale; regenerate with: ./sluice ddl -p conf/demo.yaml"
          + " --location-var sluice_work_dir --out hive-ddl/demo", file).isEqualTo(e.getValue());
    }
  }

  @Test
  void demoDdlParsesAsHiveQl() throws Exception {
    PipelineSpec spec = SpecLoader.load(ROOT.resolve("conf/demo.yaml"));
    org.apache.hadoop.hive.ql.parse.ParseDriver hive = new org.apache.hadoop.hive.ql.parse.ParseDriver();
    int parsed = 0;
    for (HiveTable t : PipelineTables.of(spec, new Configuration())) {
      for (String stmt : HiveDdl.create("default", t)) {
        org.apache.hadoop.hive.ql.parse.ASTNode tree = hive.parse(stmt);
        assertThat(tree.toStringTree()).as(stmt).containsIgnoringCase("TOK_CREATETABLE").containsIgnoringCase("TOK_TABLEPARTCOLS").containsIgnoringCase("TOK_TABLELOCATION").contains(
            "org.apache.hudi.hadoop.HoodieParquetInputFormat");
        parsed++;
      }
    }
    assertThat(parsed).isEqualTo(4);
  }

  @Test
  void copyOnWriteTableIsOneExternalHudiTable() {
    Schema s = SchemaBuilder.record("E").fields()
        .name("id").doc("the key").type().stringType().noDefault()
        .name("n").type().optional().longType()
        .name("at").type(org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
        .name("tags").type().array().items().stringType().noDefault()
        .name("dt").type().stringType().noDefault()
        .endRecord();
    List<String> ddl = HiveDdl.create("db", new HiveTable("ev", "hdfs://nn/t/ev", TableType.COW, s, List.of("dt"), "it's"));
    assertThat(ddl).hasSize(1);
    String d = ddl.get(0);
    assertThat(d).startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS `db`.`ev` (")
        .contains("`_hoodie_commit_time` string", "`id` string COMMENT 'the key'", "`n` bigint", "`at` timestamp",
            "`tags` array<string>", "PARTITIONED BY (`dt` string)", "COMMENT 'it\\'s'",
            "INPUTFORMAT 'org.apache.hudi.hadoop.HoodieParquetInputFormat'", "LOCATION 'hdfs://nn/t/ev'",
            "'hoodie.table.type'='COPY_ON_WRITE'");
    assertThat(d).doesNotContain("`dt` string,");   // partition column only in PARTITIONED BY
  }

  @Test
  void mergeOnReadTableGetsReadOptimizedAndRealTimeTables() {
    Schema s = SchemaBuilder.record("E").fields().name("id").type().stringType().noDefault()
        .name("dt").type().stringType().noDefault().endRecord();
    List<String> ddl = HiveDdl.create("default", new HiveTable("ev", "/t/ev", TableType.MOR, s, List.of("dt"), null));
    assertThat(ddl).hasSize(2);
    assertThat(ddl.get(0)).contains("`ev_ro`", "HoodieParquetInputFormat", "'hoodie.query.as.ro.table'='true'");
    assertThat(ddl.get(1)).contains("`ev_rt`", "realtime.HoodieParquetRealtimeInputFormat",
        "'hoodie.query.as.ro.table'='false'");
  }
}
