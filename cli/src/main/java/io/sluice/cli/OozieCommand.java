package io.sluice.cli;

import io.sluice.core.SluiceException;
import io.sluice.core.util.HadoopConfs;
import io.sluice.oozie.AppDeployer;
import io.sluice.oozie.AppValidator;
import io.sluice.oozie.JobProperties;
import io.sluice.oozie.OozieApp;
import io.sluice.oozie.OozieJobs;
import io.sluice.oozie.RenderedApp;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "oozie", mixinStandardHelpOptions = true,
    description = "Run the pipeline on a Hadoop cluster: render, validate, deploy and submit its Oozie application.",
    subcommands = {OozieCommand.Render.class, OozieCommand.Validate.class, OozieCommand.Deploy.class,
        OozieCommand.Submit.class, OozieCommand.Status.class, OozieCommand.Kill.class})
final class OozieCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options of commands that talk to the Oozie server. */
  static final class Server {
    @Option(names = "--oozie", paramLabel = "URL",
        description = "Oozie server URL; default $OOZIE_URL, else http://localhost:11000/oozie")
    String url;

    OozieJobs jobs() {
      String u = url != null ? url : System.getenv().getOrDefault("OOZIE_URL", "http://localhost:11000/oozie");
      return OozieJobs.connect(u);
    }
  }

  @Command(name = "render", mixinStandardHelpOptions = true,
      description = {"Write the pipeline's Oozie app: workflow.xml (one java action per stage), coordinator.xml,",
          "backfill/ (bundle of one-day workflows), job.properties, backfill.properties, conf/ and lib/; with",
          "checks.records on, also retrain/ (daily record-model retrain coordinator) and retrain.properties."})
  static final class Render implements Callable<Integer> {
    @Mixin PipelineOptions opts;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write the app to")
    Path out;

    @Option(names = "--lib", paramLabel = "DIR",
        description = "Jars for lib/; default the jars this sluice runs from (the cli jar and cli/target/lib)")
    Path lib;

    @Override
    public Integer call() throws Exception {
      var spec = opts.load();
      RenderedApp app = OozieApp.of(spec, opts.pipeline).overrides(opts.overrides).libJars(jars()).renderTo(out);
      List<AppValidator.Problem> problems = new AppValidator().validate(out);
      if (opts.json) {
        Output.json(System.out, Map.of("dir", out.toAbsolutePath().toString(), "stages", app.stages(),
            "lib_jars", app.libJars(), "problems", problems.stream().map(Object::toString).toList()));
      } else {
        System.out.printf("rendered %s: batch workflow %s, coordinator every %d min, backfill bundle; %d jars in lib/%n",
            out, String.join(" -> ", app.stages()), spec.oozie().every().toMinutes(), app.libJars());
        problems.forEach(p -> System.out.println("  problem: " + p));
        System.out.println("next: edit " + out.resolve("job.properties") + ", then sluice oozie deploy " + out);
      }
      return problems.isEmpty() ? 0 : 1;
    }

    private List<Path> jars() throws java.io.IOException {
      List<Path> jars = new ArrayList<>();
      if (lib != null) {
        try (var s = Files.list(lib)) {
          s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
        }
      } else {
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
          Path p = Path.of(e);
          if (e.endsWith(".jar") && Files.isRegularFile(p)) {
            jars.add(p);
          }
        }
      }
      if (jars.stream().noneMatch(j -> j.getFileName().toString().startsWith("sluice-cli"))) {
        throw new SluiceException("no sluice-cli jar among the lib jars; run through ./sluice or pass --lib DIR");
      }
      return jars;
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = {"Check an app directory: XML against Oozie's XSDs, then dangling transitions, unreachable",
          "nodes, fork/join pairing, undefined ${parameters} and missing files. Exit 1 on any problem."})
  static final class Validate implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The app directory")
    Path dir;

    @Option(names = "--json", description = "Print machine-readable JSON")
    boolean json;

    @Override
    public Integer call() {
      List<AppValidator.Problem> problems = new AppValidator().validate(dir);
      if (json) {
        Output.json(System.out, Map.of("dir", dir.toString(), "valid", problems.isEmpty(), "problems", problems));
      } else if (problems.isEmpty()) {
        System.out.println(dir + ": valid");
      } else {
        problems.forEach(p -> System.out.println(p));
        System.out.println(problems.size() + " problem(s)");
      }
      return problems.isEmpty() ? 0 : 1;
    }
  }

  @Command(name = "deploy", mixinStandardHelpOptions = true,
      description = "Validate the app directory, then copy it to its appPath (from job.properties) on HDFS.")
  static final class Deploy implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The app directory")
    Path dir;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Override a job.properties value, e.g. -D nameNode=hdfs://nn:8020")
    Map<String, String> defines = new LinkedHashMap<>();

    @Override
    public Integer call() {
      List<AppValidator.Problem> problems = new AppValidator().validate(dir);
      if (!problems.isEmpty()) {
        problems.forEach(p -> System.err.println(p));
        throw new SluiceException("not deploying an invalid app: " + problems.size() + " problem(s)");
      }
      Properties p = JobProperties.load(dir.resolve("job.properties"), defines);
      String target = p.getProperty("appPath");
      int n = new AppDeployer(HadoopConfs.of(Map.of())).deploy(dir, target);
      System.out.printf("deployed %d files to %s%n", n, target);
      return 0;
    }
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = {"Start the pipeline's coordinator (job.properties) or, with --backfill, the backfill bundle",
          "(backfill.properties), or with --retrain the daily retrain coordinator; prints the job id."})
  static final class Submit implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The app directory (its properties files are read)")
    Path dir;

    @Option(names = "--backfill", description = "Submit the backfill bundle instead of the coordinator")
    boolean backfill;

    @Option(names = "--retrain", description = "Submit the daily record-model retrain coordinator (retrain.properties)")
    boolean retrain;

    @Option(names = "-D", paramLabel = "KEY=VALUE",
        description = "Override a properties value, e.g. -D backfillStart=2026-11-01T00:00Z")
    Map<String, String> defines = new LinkedHashMap<>();

    @Mixin Server server;

    @Option(names = "--json", description = "Print machine-readable JSON")
    boolean json;

    @Override
    public Integer call() {
      if (backfill && retrain) {
        throw new io.sluice.core.SluiceException("--backfill and --retrain submit different apps: choose one");
      }
      Properties p = JobProperties.load(dir.resolve(backfill ? "backfill.properties"
          : retrain ? "retrain.properties" : "job.properties"), defines);
      String id = server.jobs().submit(p);
      if (json) {
        Output.json(System.out, Map.of("id", id));
      } else {
        System.out.println(id);
      }
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show a coordinator, bundle or workflow and its actions; --watch refreshes until it is done.")
  static final class Status implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Oozie job id (…-C, …-B or …-W)")
    String id;

    @Option(names = "--watch", description = "Refresh until the job is done")
    boolean watch;

    @Option(names = "--interval", defaultValue = "10", description = "Seconds between refreshes; default 10")
    int interval;

    @Option(names = "--json", description = "Print machine-readable JSON")
    boolean json;

    @Mixin Server server;

    @Override
    public Integer call() throws InterruptedException {
      OozieJobs jobs = server.jobs();
      OozieJobs.JobStatus s;
      while (true) {
        s = jobs.status(id);
        print(s);
        if (!watch || s.done()) {
          break;
        }
        Thread.sleep(interval * 1000L);
      }
      return s.done() && !s.status().equals("SUCCEEDED") ? 1 : 0;
    }

    private void print(OozieJobs.JobStatus s) {
      if (json) {
        Output.json(System.out, s);
        return;
      }
      long ok = s.children().stream().filter(c -> c.status().equals("SUCCEEDED") || c.status().equals("OK")).count();
      System.out.printf("%s %s %s: %s (%d/%d children done)%n", s.kind(), s.id(), s.name(), s.status(), ok,
          s.children().size());
      for (OozieJobs.Child c : s.children()) {
        System.out.printf("  %-22s %-12s %s%s%n", c.name(), c.status(), c.nominal() == null ? "" : c.nominal(),
            c.error() == null ? "" : "  " + c.error());
      }
    }
  }

  @Command(name = "kill", mixinStandardHelpOptions = true, description = "Kill a coordinator, bundle or workflow.")
  static final class Kill implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Oozie job id")
    String id;

    @Mixin Server server;

    @Override
    public Integer call() {
      server.jobs().kill(id);
      System.out.println("killed " + id);
      return 0;
    }
  }
}
