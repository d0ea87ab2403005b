package io.sluice.cli;

import io.sluice.core.util.HadoopConfs;
import io.sluice.hive.DdlWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ddl", mixinStandardHelpOptions = true,
    description = {"Print (or write with --out) the Hive DDL of every table of the pipeline: external tables over",
        "the Hudi base paths with Hudi's input formats, partition columns, comments and properties; merge-on-read",
        "tables get _ro and _rt tables."})
final class DdlCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Option(names = "--out", paramLabel = "DIR", description = "Write one <table>.sql per table into DIR")
  Path out;

  @Option(names = "--database", defaultValue = "default", description = "Hive database (default: ${DEFAULT-VALUE})")
  String database;

  @Option(names = "--location-var", paramLabel = "NAME",
      description = "Write locations as ${hivevar:NAME}/tables/... instead of the work-dir URI")
  String locationVar;

  @Override
  public Integer call() throws Exception {
    var spec = opts.load();
    DdlWriter w = new DdlWriter(spec, HadoopConfs.of(spec), database, locationVar);
    if (out != null) {
      w.write(out).forEach(p -> System.out.println("wrote " + p));
    } else {
      for (Map.Entry<String, String> e : w.render().entrySet()) {
        System.out.println(e.getValue());
      }
    }
    return 0;
  }
}
