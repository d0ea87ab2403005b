package io.sluice.oozie.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.DemoEvents;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import io.sluice.incremental.MetricRows;
import io.sluice.incremental.MetricWindowRecompute;
import io.sluice.oozie.AppDeployer;
import io.sluice.oozie.AppValidator;
import io.sluice.oozie.JobProperties;
import io.sluice.oozie.OozieApp;
import io.sluice.oozie.OozieJobs;
import io.sluice.upserts.MiniBatch;
import io.sluice.upserts.SnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileSystem;
import org.apache.oozie.client.WorkflowJob;
import org.apache.oozie.local.LocalOozie;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The generated Oozie app, deployed to HDFS and run by a real Oozie on YARN: the coordinator materialises two
 * batches whose java actions (the Sluice main, in YARN containers, from the app's lib/) ingest, upsert,
 * recompute and check events on HDFS; then the backfill bundle recomputes three days.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OozieCoordinatorTest {
  static final Path ROOT = Path.of(System.getProperty("sluice.repo.root", ".."));
  static final DateTimeFormatter OOZIE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
  static final Map<String, String> OVERRIDES = Map.of(
      "hive.sync", "false",                    // no metastore in this fixture
      "source.max-files-per-batch", "1",        // one landing file per batch, so both batches have work
      "oozie.launcher-memory-mb", "1024",
      "oozie.java-opts", "-Xmx640m -XX:TieredStopAtLevel=1");

  OozieLocalCluster cluster;
  /** LocalOozie has one client per job kind; the REST client a user gets from OozieJobs.connect serves all. */
  OozieJobs workflows;
  OozieJobs coordinators;
  OozieJobs bundles;
  Path app;
  String workDir;
  Properties props;
  DemoEvents events;
  Instant eventStart;

  @BeforeAll
  void start() throws Exception {
    Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "oozie-e2e");
    cluster = new OozieLocalCluster(home);
    workflows = new OozieJobs(LocalOozie.getClient());
    coordinators = new OozieJobs(LocalOozie.getCoordClient());
    bundles = new OozieJobs(LocalOozie.getClientBundle());
    String nn = cluster.dfs.getURI().toString();
    workDir = nn + "/user/" + System.getProperty("user.name") + "/sluice/demo";
    Path specFile = ROOT.resolve("conf/demo.yaml");
    PipelineSpec spec = SpecLoader.load(specFile, OVERRIDES);
    app = home.resolve("app");
    OozieApp.of(spec, specFile).overrides(OVERRIDES).libJars(distribution()).renderTo(app);
    assertThat(new AppValidator().validate(app)).isEmpty();
    props = JobProperties.load(app.resolve("job.properties"), Map.of(
        "nameNode", nn,
        "resourceManager", cluster.conf.get("yarn.resourcemanager.address"),
        "retryMax", "0"));   // fail fast in a test; production keeps the spec's retries
    new AppDeployer(cluster.conf).deploy(app, props.getProperty("appPath"));

    // Two batches of demo events (updates, deletes, late and duplicate events, bad lines): one file each.
    eventStart = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1)).plus(Duration.ofHours(12));
    events = new DemoEvents(DemoEvents.Config.defaults(eventStart).withEventsPerBatch(400));
    FileSystem fs = cluster.dfs.getFileSystem();
    for (int b = 0; b < 2; b++) {
      events.writeBatch(b, fs, new org.apache.hadoop.fs.Path(workDir + "/landing/demo"));
    }
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The cli jar and its runtime jars, as the reactor built them for ./sluice. */
  static List<Path> distribution() throws Exception {
    List<Path> jars = new ArrayList<>();
    try (Stream<Path> s = Files.list(ROOT.resolve("cli/target"))) {
      s.filter(p -> p.getFileName().toString().matches("sluice-cli-.*\\.jar") && !p.toString().contains("tests"))
          .forEach(jars::add);
    }
    try (Stream<Path> s = Files.list(ROOT.resolve("cli/target/lib"))) {
      s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
    }
    assertThat(jars).as("build the cli module first (mvn package)").hasSizeGreaterThan(50);
    return jars;
  }

  private PipelineSpec spec(String dir) {
    Map<String, String> o = new HashMap<>(OVERRIDES);
    o.put("work-dir", dir);
    return SpecLoader.load(ROOT.resolve("conf/demo.yaml"), o);
  }

  private OozieJobs jobs(String id) {
    return id.endsWith("-C") ? coordinators : id.endsWith("-B") ? bundles : workflows;
  }

  private OozieJobs.JobStatus await(String id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    OozieJobs.JobStatus s = jobs(id).status(id);
    while (!s.done() && System.nanoTime() < deadline) {
      Thread.sleep(3000);
      s = jobs(id).status(id);
    }
    return s;
  }

  private String diagnose(OozieJobs.JobStatus s) throws Exception {
    StringBuilder sb = new StringBuilder(s.toString()).append('\n');
    for (OozieJobs.Child c : s.children()) {
      if (c.externalId() != null && c.externalId().endsWith("-W")) {
        sb.append(workflows.status(c.externalId())).append('\n');
      }
    }
    return sb.append(cluster.containerLogs()).toString();
  }

  @Test
  @Order(1)
  void coordinatorRunsTwoBatchesOfRealJavaActionsOnYarnWithoutOverlap() throws Exception {
    Instant first = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
    Properties p = new Properties();
    p.putAll(props);
    p.setProperty("start", OOZIE_TIME.format(first));
    p.setProperty("end", OOZIE_TIME.format(first.plus(Duration.ofMinutes(10))));  // nominal times: first, first+5m
    p.setProperty("execution", "FIFO");                                          // run both, oldest first
    String id = coordinators.submit(p);
    OozieJobs.JobStatus coord = await(id, Duration.ofMinutes(15));
    assertThat(coord.status()).as(() -> safeDiagnose(coord)).isEqualTo("SUCCEEDED");
    assertThat(coord.children()).hasSize(2).allSatisfy(a -> assertThat(a.status()).isEqualTo("SUCCEEDED"));

    // No two batches overlapped: each workflow ended before the next one started.
    List<WorkflowJob> runs = new ArrayList<>();
    for (OozieJobs.Child a : coord.children()) {
      runs.add(workflows.client().getJobInfo(a.externalId()));
    }
    runs.sort(Comparator.comparing(WorkflowJob::getStartTime));
    assertThat(runs.get(0).getEndTime()).isBeforeOrEqualTo(runs.get(1).getStartTime());
    for (WorkflowJob w : runs) {
      List<String> ran = w.getActions().stream().filter(a -> a.getType().equals("java"))
          .map(a -> a.getName() + ":" + a.getStatus() + ":" + (a.getExternalId() != null && a.getExternalId().startsWith("application_")))
          .toList();
      assertThat(ran).as("YARN-launched actions of " + w.getId()).containsExactly(
          "ingest:OK:true", "upsert:OK:true", "incremental:OK:true", "checks:OK:true");
    }

    // The tables on HDFS hold the expected records, and the metrics a local run of the same batches gives.
    PipelineSpec onCluster = spec(workDir);
    MiniBatch mb = new MiniBatch(onCluster, cluster.conf);
    Map<String, Long> live = new TreeMap<>();
    for (GenericRecord r : new SnapshotReader(mb.events(), mb.tableSchema()).read(null)) {
      live.put(r.get("event_id").toString(), (Long) r.get("updated_at"));
    }
    assertThat(live).isEqualTo(events.expectedLive());
    assertThat(mb.events().metaClient().getCommitsTimeline().filterCompletedInstants().countInstants()).isEqualTo(2);

    String refDir = cluster.dfs.getURI() + "/reference/demo";
    FileSystem fs = cluster.dfs.getFileSystem();
    org.apache.hadoop.fs.FileUtil.copy(fs, new org.apache.hadoop.fs.Path(workDir + "/landing"), fs,
        new org.apache.hadoop.fs.Path(refDir + "/landing"), false, cluster.conf);
    PipelineSpec ref = spec(refDir);
    MiniBatch refBatch = new MiniBatch(ref, cluster.conf);
    MetricWindowRecompute refMetrics = new MetricWindowRecompute(ref, cluster.conf);
    for (int b = 0; b < 2; b++) {
      refBatch.runOnce();
      refMetrics.incremental();
    }
    reference = MetricRows.canonical(refMetrics.metricsTable());
    assertThat(reference).isNotEmpty();
    assertThat(MetricRows.canonical(new MetricWindowRecompute(onCluster, cluster.conf).metricsTable()))
        .isEqualTo(reference);
  }

  Map<String, Map<String, Object>> reference;

  @Test
  @Order(2)
  void backfillBundleRecomputesThreeDaysSideBySideToTheSameMetrics() throws Exception {
    assertThat(reference).as("needs the coordinator run").isNotNull();
    PipelineSpec onCluster = spec(workDir);
    MetricWindowRecompute m = new MetricWindowRecompute(onCluster, cluster.conf);
    int commitsBefore = m.metricsTable().table().metaClient().getCommitsTimeline().filterCompletedInstants().countInstants();
    Instant lastDay = eventStart.truncatedTo(ChronoUnit.DAYS);
    Properties p = JobProperties.load(app.resolve("backfill.properties"), Map.of(
        "nameNode", cluster.dfs.getURI().toString(),
        "resourceManager", cluster.conf.get("yarn.resourcemanager.address"),
        "retryMax", "0",
        "backfillStart", OOZIE_TIME.format(lastDay.minus(Duration.ofDays(2))),
        "backfillEnd", OOZIE_TIME.format(lastDay.plus(Duration.ofDays(1))),
        "backfillParallelism", "2",
        "kickOffTime", OOZIE_TIME.format(Instant.now().minus(Duration.ofMinutes(1)))));
    String id = bundles.submit(p);
    OozieJobs.JobStatus bundle = await(id, Duration.ofMinutes(15));
    assertThat(bundle.status()).as(() -> safeDiagnose(bundle)).isEqualTo("SUCCEEDED");
    OozieJobs.JobStatus coord = coordinators.status(bundle.children().get(0).id());
    assertThat(coord.children()).hasSize(3).allSatisfy(a -> assertThat(a.status()).isEqualTo("SUCCEEDED"));
    int commitsAfter = m.metricsTable().table().metaClient().reloadActiveTimeline().getCommitsTimeline()
        .filterCompletedInstants().countInstants();
    assertThat(commitsAfter).as("one metrics commit per backfilled day").isEqualTo(commitsBefore + 3);
    assertThat(MetricRows.canonical(m.metricsTable())).isEqualTo(reference);
  }

  @Test
  @Order(3)
  void aFailedStageTakesTheErrorPathThatRecordsTheFailure() throws Exception {
    Properties p = new Properties();
    p.putAll(props);
    p.remove("oozie.coord.application.path");
    p.setProperty("oozie.wf.application.path", props.getProperty("appPath"));
    p.setProperty("lockWait", "not-a-duration");  // the stages reject it; notify-failure takes no lock
    String id = workflows.submit(p);
    OozieJobs.JobStatus wf = await(id, Duration.ofMinutes(10));
    assertThat(wf.status()).as(() -> safeDiagnose(wf)).isEqualTo("KILLED");
    Map<String, String> nodes = new TreeMap<>();
    wf.children().forEach(c -> nodes.put(c.name(), c.status()));
    assertThat(nodes).containsEntry("ingest", "ERROR").containsEntry("notify-failure", "OK").containsKey("fail")
        .doesNotContainKey("upsert");
    List<io.sluice.checks.CheckResult> failures = new io.sluice.checks.CheckResultsTable(spec(workDir), cluster.conf)
        .read(null).stream().filter(r -> r.check().equals("pipeline_failure")).toList();
    assertThat(failures).singleElement().satisfies(f -> {
      assertThat(f.runId()).isEqualTo(id);
      assertThat(f.severity()).isEqualTo("critical");
      assertThat(f.message()).contains("failed at stage ingest");
    });
  }

  private String safeDiagnose(OozieJobs.JobStatus s) {
    try {
      return diagnose(s);
    } catch (Exception e) {
      return s + " (" + e + ")";
    }
  }
}
