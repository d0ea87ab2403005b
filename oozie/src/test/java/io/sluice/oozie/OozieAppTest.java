package io.sluice.oozie;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OozieAppTest {
  static final Path DEMO = Path.of(System.getProperty("sluice.repo.root", ".."), "conf", "demo.yaml");

  @TempDir static Path tmp;
  static Path app;
  static PipelineSpec spec;

  @BeforeAll
  static void render() throws Exception {
    spec = SpecLoader.load(DEMO, Map.of("oozie.every", "10m", "oozie.retry-max", "3"));
    Path fakeJar = Files.writeString(tmp.resolve("sluice-cli-test.jar"), "not really a jar");
    app = tmp.resolve("app");
    OozieApp.of(spec, DEMO).libJars(List.of(fakeJar))
        .clock(Clock.fixed(Instant.parse("2026-11-30T10:17:00Z"), ZoneOffset.UTC)).renderTo(app);
  }

  @Test
  void renderedAppPassesTheOozieXsdsAndSluiceChecks() {
    assertThat(new AppValidator().validate(app)).isEmpty();
    assertThat(app.resolve("lib/sluice-cli-test.jar")).exists();
    assertThat(app.resolve("conf/demo.yaml")).exists();
    assertThat(app.resolve("conf/demo.avsc")).exists();
  }

  @Test
  void workflowRunsEveryStageThroughTheSameMainWithRetriesAndAnErrorPath() throws Exception {
    String wf = Files.readString(app.resolve("workflow.xml"));
    for (String stage : List.of("ingest", "upsert", "incremental", "checks", "sync")) {
      assertThat(wf).contains("<action name=\"" + stage + "\" retry-interval=\"${retryInterval}\" retry-max=\"${retryMax}\">");
      assertThat(wf).contains("<arg>" + stage + "</arg>");
    }
    assertThat(wf).contains("<main-class>io.sluice.cli.SluiceMain</main-class>");
    assertThat(wf).contains("<error to=\"notify-failure\"/>").contains("<kill name=\"fail\">");
    assertThat(wf).contains("<arg>notify-failure</arg>");
    assertThat(wf).contains("<case to=\"upsert\">${wf:actionData('ingest')['pending'] eq 'true'}</case>");
    assertThat(wf).contains("<capture-output/>").contains("--add-opens=java.base/java.lang=ALL-UNNAMED");
    assertThat(wf).contains("<name>retryMax</name>").contains("<value>3</value>");
  }

  @Test
  void coordinatorNeverOverlapsBatchesAndCarriesAnSla() throws Exception {
    String c = Files.readString(app.resolve("coordinator.xml"));
    assertThat(c).contains("frequency=\"${coord:minutes(10)}\"");
    assertThat(c).contains("<concurrency>1</concurrency>").contains("<timeout>10</timeout>");
    assertThat(c).contains("<sla:should-end>${20 * MINUTES}</sla:should-end>");
    Properties p = JobProperties.load(app.resolve("job.properties"), Map.of("nameNode", "hdfs://nn:8020"));
    assertThat(p.getProperty("start")).isEqualTo("2026-11-30T10:00Z");
    assertThat(p.getProperty("execution")).isEqualTo("LAST_ONLY");
    assertThat(p.getProperty("appPath")).isEqualTo("hdfs://nn:8020/user/" + System.getProperty("user.name") + "/sluice/apps/demo");
  }

  @Test
  void recordScoringAddsADailyRetrainCoordinator() throws Exception {
    assertThat(spec.checks().records().enabled()).as("the demo spec scores records").isTrue();
    String c = Files.readString(app.resolve("retrain/coordinator.xml"));
    assertThat(c).contains("frequency=\"${coord:days(1)}\"").contains("<execution>LAST_ONLY</execution>")
        .contains("${appPath}/retrain");
    String wf = Files.readString(app.resolve("retrain/workflow.xml"));
    assertThat(wf).contains("<arg>checks</arg>").contains("<arg>retrain</arg>").contains("<error to=\"notify-failure\"/>");
    Properties p = JobProperties.load(app.resolve("retrain.properties"), Map.of());
    assertThat(p.getProperty("oozie.coord.application.path")).endsWith("/retrain/coordinator.xml");
    assertThat(p.getProperty("start")).isEqualTo("2026-12-01T02:00Z");
  }

  @Test
  void backfillBundleRunsOneIdempotentDayPerAction() throws Exception {
    String c = Files.readString(app.resolve("backfill/coordinator.xml"));
    assertThat(c).contains("frequency=\"${coord:days(1)}\"").contains("<concurrency>${backfillParallelism}</concurrency>");
    String wf = Files.readString(app.resolve("backfill/workflow.xml"));
    assertThat(wf).contains("<arg>backfill</arg>").contains("<arg>--from</arg>").contains("<arg>${day}</arg>");
    Properties p = JobProperties.load(app.resolve("backfill.properties"), Map.of());
    assertThat(p.getProperty("backfillStart")).isEqualTo("2026-11-27T00:00Z");
    assertThat(p.getProperty("backfillEnd")).isEqualTo("2026-11-30T00:00Z");
    assertThat(p.getProperty("backfillParallelism")).isEqualTo("2");
  }

  @Test
  void stagesFollowTheSpec() {
    PipelineSpec noSync = SpecLoader.load(DEMO, Map.of("hive.sync", "false", "checks.enabled", "false"));
    assertThat(OozieApp.of(noSync, DEMO).stages()).containsExactly("ingest", "upsert", "incremental");
  }
}
