package io.sluice.cli;

import io.sluice.core.SluiceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command. Every stage is a subcommand; Oozie java actions call the same main. */
@Command(name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = SluiceMain.Version.class,
    description = "Near-real-time incremental processing on Hadoop: upsert events into Hudi, recompute what changed, check it.",
    subcommands = {
        DemoCommand.class,
        RunCommand.class,
        IngestCommand.class,
        UpsertCommand.class,
        IncrementalCommand.class,
        BackfillCommand.class,
        ChecksCommand.class,
        ScoreCommand.class,
        ScoreRecordsCommand.class,
        ReportCommand.class,
        DdlCommand.class,
        SyncCommand.class,
        QueryCommand.class,
        OozieCommand.class,
        NotifyFailureCommand.class,
        CommandLine.HelpCommand.class
    })
public final class SluiceMain implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code: 0 ok, 1 failed, 2 bad usage, 3 pipeline locked by another run. */
  public static int execute(String... args) {
    io.sluice.core.fs.LocalFileSystems.register();
    CommandLine cl = new CommandLine(new SluiceMain());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof io.sluice.core.PipelineLock.HeldException) {
        line.getErr().println("sluice: " + ex.getMessage());
        return 3;
      }
      if (ex instanceof SluiceException) {
        line.getErr().println("sluice: " + ex.getMessage());
        return 1;
      }
      line.getErr().println("sluice: unexpected failure: " + ex);
      ex.printStackTrace(line.getErr());
      return 1;
    });
    return cl.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SluiceMain.class.getPackage().getImplementationVersion();
      return new String[] {"sluice " + (v == null ? "dev" : v) + " (Hudi 0.15.0, Hadoop 3.3.6)"};
    }
  }
}
