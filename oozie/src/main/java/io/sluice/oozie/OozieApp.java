package io.sluice.oozie;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.OozieSpec;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.util.JvmFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a pipeline's Oozie application: the mini-batch workflow and its coordinator, a backfill
 * bundle (coordinator of one-day workflows), {@code job.properties}, {@code backfill.properties},
 * the spec and schema under {@code conf/}, and the runtime jars under {@code lib/}.
 *
 * <pre>{@code
 * OozieApp.of(spec, specFile).libJars(jars).renderTo(dir);
 * }</pre>
 */
public final class OozieApp {
  public static final String WF = "uri:oozie:workflow:1.0";
  public static final String COORD = "uri:oozie:coordinator:0.5";
  public static final String BUNDLE = "uri:oozie:bundle:0.2";
  public static final String SLA = "uri:oozie:sla:0.2";
  /** The one entry point every action runs, as on the command line. */
  public static final String MAIN_CLASS = "io.sluice.cli.SluiceMain";
  /** Action-data key the ingest action sets to {@code true} when the later stages have work. */
  public static final String PENDING = "pending";

  private static final DateTimeFormatter OOZIE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'");

  private final PipelineSpec spec;
  private final Path specFile;
  private List<Path> libJars = List.of();
  private Map<String, String> overrides = Map.of();
  private Clock clock = Clock.systemUTC();

  private OozieApp(PipelineSpec spec, Path specFile) {
    this.spec = spec;
    this.specFile = specFile;
  }

  /** Starts rendering the app of {@code spec}, loaded from {@code specFile}. */
  public static OozieApp of(PipelineSpec spec, Path specFile) {
    return new OozieApp(spec, specFile);
  }

  /** Jars copied to {@code lib/}: the Sluice distribution (the cli jar and its runtime dependencies). */
  public OozieApp libJars(List<Path> jars) {
    this.libJars = List.copyOf(jars);
    return this;
  }

  /** Spec overrides ({@code --set}) given at render time; every action passes them on. */
  public OozieApp overrides(Map<String, String> o) {
    this.overrides = Map.copyOf(new LinkedHashMap<>(o));
    return this;
  }

  /** Clock for the default coordinator start written to {@code job.properties}. */
  public OozieApp clock(Clock c) {
    this.clock = c;
    return this;
  }

  /** The stages the batch workflow runs, in order; decided by what the spec enables. */
  public List<String> stages() {
    List<String> s = new ArrayList<>(List.of("ingest", "upsert"));
    if (!spec.metrics().isEmpty()) {
      s.add("incremental");
      if (spec.checks().enabled()) {
        s.add("checks");
      }
    }
    if (spec.hive().sync()) {
      s.add("sync");
    }
    return s;
  }

  /** Writes the application under {@code dir} (created, or refreshed in place) and returns what it wrote. */
  public RenderedApp renderTo(Path dir) {
    try {
      Files.createDirectories(dir);
      String specName = specFile.getFileName().toString();
      List<String> conf = new ArrayList<>(List.of(specName));
      copy(specFile, dir.resolve("conf").resolve(specName));
      String schema = spec.source().schema();
      if (schema != null) {
        Path schemaFile = Path.of(URI.create(schema));
        Path rel = specFile.toAbsolutePath().getParent().relativize(schemaFile);
        if (rel.startsWith("..") || rel.isAbsolute()) {
          throw new SluiceException("the spec's schema " + schemaFile + " is not in or under the spec's directory;"
              + " keep it next to the spec so the Oozie actions find it relative to the spec");
        }
        copy(schemaFile, dir.resolve("conf").resolve(rel));
        conf.add(rel.toString().replace('\\', '/'));
      }
      Path lib = dir.resolve("lib");
      Files.createDirectories(lib);
      for (Path j : libJars) {
        copy(j, lib.resolve(j.getFileName()));
      }
      batchWorkflow(conf, specName).write(dir.resolve("workflow.xml"));
      batchCoordinator().write(dir.resolve("coordinator.xml"));
      backfillWorkflow(conf, specName).write(dir.resolve("backfill/workflow.xml"));
      backfillCoordinator().write(dir.resolve("backfill/coordinator.xml"));
      backfillBundle().write(dir.resolve("backfill/bundle.xml"));
      Files.writeString(dir.resolve("job.properties"), jobProperties(false));
      Files.writeString(dir.resolve("backfill.properties"), jobProperties(true));
      if (spec.checks().enabled() && spec.checks().records().enabled()) {
        retrainWorkflow(conf, specName).write(dir.resolve("retrain/workflow.xml"));
        retrainCoordinator().write(dir.resolve("retrain/coordinator.xml"));
        Files.writeString(dir.resolve("retrain.properties"), retrainProperties());
      }
      return new RenderedApp(dir, stages(), libJars.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  private Xml workflowRoot(String name, Map<String, String> params) {
    Xml wf = Xml.root(WF, "workflow-app").attr("name", name);
    Xml p = wf.child("parameters");
    params.forEach((k, v) -> {
      Xml prop = p.child("property").text("name", k);
      if (v != null) {
        prop.text("value", v);
      }
    });
    Xml global = wf.child("global");
    global.text("resource-manager", "${resourceManager}").text("name-node", "${nameNode}");
    // memory.mb is an integer in the XSD, so it is written as a literal, not a parameter.
    global.child("launcher").text("memory.mb", spec.oozie().launcherMemoryMb()).text("queue", "${queueName}");
    global.configuration(Map.of("mapreduce.job.queuename", "${queueName}"));
    return wf;
  }

  private Map<String, String> commonParams() {
    OozieSpec o = spec.oozie();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("nameNode", null);
    p.put("resourceManager", null);
    p.put("appPath", null);
    p.put("sluiceWorkDir", null);
    p.put("queueName", "default");
    p.put("javaOpts", o.javaOpts());
    p.put("retryMax", String.valueOf(o.retryMax()));
    p.put("retryInterval", String.valueOf(o.retryInterval().toMinutes()));
    p.put("lockWait", "10m");
    return p;
  }

  private Xml batchWorkflow(List<String> conf, String specName) {
    Xml wf = workflowRoot("sluice-" + spec.name() + "-batch", commonParams());
    List<String> st = stages();
    wf.child("start").attr("to", st.get(0));
    String pendingEl = "${wf:actionData('ingest')['" + PENDING + "'] eq 'true'}";
    for (int i = 0; i < st.size(); i++) {
      String stage = st.get(i);
      String next = i + 1 < st.size() ? st.get(i + 1) : "end";
      if (stage.equals("ingest")) {
        javaAction(wf, stage, conf, List.of("ingest", "--pipeline", specName), true, "has-new-data");
        // Nothing new: skip the writes, but still run checks so freshness alerts fire when data stops.
        Xml sw = wf.child("decision").attr("name", "has-new-data").child("switch");
        sw.child("case").attr("to", "upsert").text(pendingEl);
        sw.child("default").attr("to", st.contains("checks") ? "checks" : "end");
      } else if (stage.equals("checks") && st.contains("sync")) {
        javaAction(wf, stage, conf, checksArgs(specName), false, "anything-to-sync");
        Xml sw = wf.child("decision").attr("name", "anything-to-sync").child("switch");
        sw.child("case").attr("to", "sync").text(pendingEl);
        sw.child("default").attr("to", "end");
      } else {
        javaAction(wf, stage, conf, stage.equals("checks") ? checksArgs(specName) : List.of(stage, "--pipeline", specName),
            false, next);
      }
    }
    failurePath(wf, conf, specName);
    wf.child("end").attr("name", "end");
    return wf;
  }

  /** Findings go to the check results and the alert sinks; they never fail the workflow, only Sluice failing does. */
  private static List<String> checksArgs(String specName) {
    return List.of("checks", "--pipeline", specName, "--fail-on", "never");
  }

  private Xml backfillWorkflow(List<String> conf, String specName) {
    Map<String, String> params = commonParams();
    params.put("day", null);
    params.put("backfillReingest", "true");
    Xml wf = workflowRoot("sluice-" + spec.name() + "-backfill-day", params);
    wf.child("start").attr("to", "backfill");
    javaAction(wf, "backfill", conf, List.of("backfill", "--pipeline", specName, "--from", "${day}", "--to", "${day}",
        "--reingest=${backfillReingest}"), false, "end");
    failurePath(wf, conf, specName);
    wf.child("end").attr("name", "end");
    return wf;
  }

  /** The daily record-model retrain: one action, waiting for the pipeline lock like the batch does. */
  private Xml retrainWorkflow(List<String> conf, String specName) {
    Xml wf = workflowRoot("sluice-" + spec.name() + "-retrain", commonParams());
    wf.child("start").attr("to", "retrain");
    javaAction(wf, "retrain", conf, List.of("checks", "retrain", "--pipeline", specName), false, "end");
    failurePath(wf, conf, specName);
    wf.child("end").attr("name", "end");
    return wf;
  }

  private Xml retrainCoordinator() {
    Xml c = Xml.root(COORD, "coordinator-app")
        .attr("name", "sluice-" + spec.name() + "-retrain")
        .attr("frequency", "${coord:days(1)}")
        .attr("start", "${start}").attr("end", "${end}").attr("timezone", "UTC");
    // A missed day is not worth catching up: only the newest retrain runs.
    c.child("controls").text("timeout", 60).text("concurrency", 1).text("execution", "LAST_ONLY");
    Map<String, String> wfConf = new LinkedHashMap<>();
    wfConf.put("oozie.libpath", "${appPath}/lib");
    c.child("action").child("workflow").text("app-path", "${appPath}/retrain").configuration(wfConf);
    return c;
  }

  private String retrainProperties() {
    String batch = jobProperties(false);
    String common = batch.substring(0, batch.indexOf("oozie.coord.application.path"));
    ZonedDateTime tomorrow = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
        .plusDays(1).plusHours(2);
    return common.replace("`sluice oozie submit`", "`sluice oozie submit --retrain`")
        + "oozie.coord.application.path=${appPath}/retrain/coordinator.xml\n"
        + "# Daily at 02:00 UTC: a fresh record model from the last checks.records.retrain-days days.\n"
        + "start=" + OOZIE_TIME.format(tomorrow) + "\nend=2099-12-31T00:00Z\n";
  }

  /** Records the failure in the check results and sends it to the alert sinks, then kills the workflow. */
  private void failurePath(Xml wf, List<String> conf, String specName) {
    Xml a = wf.child("action").attr("name", "notify-failure");
    javaBody(a, conf, List.of("notify-failure", "--pipeline", specName, "--workflow-id", "${wf:id()}",
        "--node", "${wf:lastErrorNode()}", "--message", "${wf:errorMessage(wf:lastErrorNode())}"), false);
    a.child("ok").attr("to", "fail");
    a.child("error").attr("to", "fail");
    wf.child("kill").attr("name", "fail")
        .text("message", "Sluice " + spec.name() + " failed at [${wf:lastErrorNode()}]: ${wf:errorMessage(wf:lastErrorNode())}");
  }

  private void javaAction(Xml wf, String name, List<String> conf, List<String> args, boolean captureOutput,
      String okTo) {
    Xml a = wf.child("action").attr("name", name).attr("retry-max", "${retryMax}")
        .attr("retry-interval", "${retryInterval}");
    javaBody(a, conf, args, captureOutput);
    a.child("ok").attr("to", okTo);
    a.child("error").attr("to", "notify-failure");
  }

  private void javaBody(Xml action, List<String> conf, List<String> args, boolean captureOutput) {
    Xml j = action.child("java");
    j.text("main-class", MAIN_CLASS);
    j.text("java-opts", JvmFlags.batch() + " ${javaOpts} " + JvmFlags.opens());
    for (String arg : args) {
      j.text("arg", arg);
    }
    // The pipeline lock makes a manual run or a backfill day wait rather than fail the action.
    new java.util.TreeMap<>(overrides).forEach((k, v) -> j.text("arg", "--set").text("arg", k + "=" + v));
    j.text("arg", "--set").text("arg", "work-dir=${sluiceWorkDir}").text("arg", "--wait").text("arg", "${lockWait}");
    for (String c : conf) {
      j.text("file", "${appPath}/conf/" + c + "#" + c);
    }
    if (captureOutput) {
      j.child("capture-output");
    }
  }

  private Xml batchCoordinator() {
    OozieSpec o = spec.oozie();
    Xml c = Xml.root(COORD, "coordinator-app").xmlns("sla", SLA)
        .attr("name", "sluice-" + spec.name())
        .attr("frequency", "${coord:minutes(" + o.every().toMinutes() + ")}")
        .attr("start", "${start}").attr("end", "${end}").attr("timezone", "UTC");
    // One batch at a time; a backlog of due batches collapses into the newest, which picks up everything.
    c.child("controls").text("timeout", o.timeout().toMinutes()).text("concurrency", 1)
        .text("execution", "${execution}");
    Xml action = c.child("action");
    action.child("workflow").text("app-path", "${appPath}")
        .configuration(Map.of("nominalTime", "${coord:nominalTime()}"));
    sla(action, "${coord:nominalTime()}", o.slaShouldEnd().toMinutes());
    return c;
  }

  private Xml backfillCoordinator() {
    Xml c = Xml.root(COORD, "coordinator-app").xmlns("sla", SLA)
        .attr("name", "sluice-" + spec.name() + "-backfill")
        .attr("frequency", "${coord:days(1)}")
        .attr("start", "${backfillStart}").attr("end", "${backfillEnd}").attr("timezone", "UTC");
    c.child("controls").text("timeout", -1).text("concurrency", "${backfillParallelism}").text("execution", "FIFO");
    Map<String, String> wfConf = new LinkedHashMap<>();
    wfConf.put("day", "${coord:formatTime(coord:nominalTime(), 'yyyy-MM-dd')}");
    // The day workflow lives in backfill/, so point it at the app's shared lib/.
    wfConf.put("oozie.libpath", "${appPath}/lib");
    c.child("action").child("workflow").text("app-path", "${appPath}/backfill").configuration(wfConf);
    return c;
  }

  private Xml backfillBundle() {
    Xml b = Xml.root(BUNDLE, "bundle-app").attr("name", "sluice-" + spec.name() + "-backfill");
    b.child("controls").text("kick-off-time", "${kickOffTime}");
    b.child("coordinator").attr("name", "backfill-days").text("app-path", "${appPath}/backfill/coordinator.xml");
    return b;
  }

  private static void sla(Xml action, String nominal, long shouldEndMinutes) {
    Xml s = action.childNs(SLA, "sla:info");
    s.childNs(SLA, "sla:nominal-time").text(nominal);
    s.childNs(SLA, "sla:should-end").text("${" + shouldEndMinutes + " * MINUTES}");
    s.childNs(SLA, "sla:alert-events").text("end_miss");
    s.childNs(SLA, "sla:alert-contact").text("${slaAlertContact}");
  }

  private String jobProperties(boolean backfill) {
    OozieSpec o = spec.oozie();
    ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder();
    sb.append("# Rendered by `sluice oozie render` for pipeline ").append(spec.name()).append(". Edit the cluster\n")
        .append("# settings, then `sluice oozie deploy` and `sluice oozie submit").append(backfill ? " --backfill" : "")
        .append("`.\n");
    sb.append("nameNode=hdfs://localhost:8020\n");
    sb.append("resourceManager=localhost:8032\n");
    sb.append("queueName=default\n");
    sb.append("# Where `sluice oozie deploy` puts this directory.\n");
    sb.append("appPath=${nameNode}/user/${user.name}/sluice/apps/").append(spec.name()).append('\n');
    sb.append("# The pipeline's work dir on the cluster: landing, tables, state. Overrides the spec's work-dir.\n");
    sb.append("sluiceWorkDir=${nameNode}/user/${user.name}/sluice/").append(spec.name()).append('\n');
    sb.append("oozie.use.system.libpath=false\n");
    sb.append("slaAlertContact=${user.name}\n");
    if (!backfill) {
      sb.append("oozie.coord.application.path=${appPath}/coordinator.xml\n");
      sb.append("start=").append(OOZIE_TIME.format(now.truncatedTo(ChronoUnit.HOURS))).append('\n');
      sb.append("end=2099-12-31T00:00Z\n");
      sb.append("# LAST_ONLY: when batches fall behind, run only the newest; it picks up everything new anyway.\n");
      sb.append("execution=LAST_ONLY\n");
    } else {
      ZonedDateTime today = now.truncatedTo(ChronoUnit.DAYS);
      sb.append("oozie.bundle.application.path=${appPath}/backfill/bundle.xml\n");
      sb.append("# Days [backfillStart, backfillEnd) are recomputed, one workflow per day.\n");
      sb.append("backfillStart=").append(OOZIE_TIME.format(today.minusDays(3))).append('\n');
      sb.append("backfillEnd=").append(OOZIE_TIME.format(today)).append('\n');
      sb.append("backfillParallelism=").append(o.backfillParallelism()).append('\n');
      sb.append("# true: each day first re-reads the raw landing files kept on HDFS and upserts that day's events again.\n");
      sb.append("backfillReingest=true\n");
      sb.append("kickOffTime=").append(OOZIE_TIME.format(now.truncatedTo(ChronoUnit.MINUTES))).append('\n');
    }
    return sb.toString();
  }
}
