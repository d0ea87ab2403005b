package io.sluice.cli;

import io.sluice.core.util.HadoopConfs;
import io.sluice.hive.MetastoreSync;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "sync", mixinStandardHelpOptions = true,
    description = {"Register every table of the pipeline, its partitions and schema in the Hive metastore now",
        "(Hudi's HiveSyncTool, hms mode). Repairs tables whose sync failed after a run. Exit code 1 if any fails."})
final class SyncCommand implements Callable<Integer> {
  @Mixin PipelineOptions opts;

  @Override
  public Integer call() {
    var spec = opts.load();
    MetastoreSync.Report r = opts.locked(spec, () -> new MetastoreSync(spec, HadoopConfs.of(spec)).syncAll());
    if (opts.json) {
      Output.json(System.out, r);
    } else {
      Output.sync(System.out, spec.name(), r);
    }
    return r.ok() ? 0 : 1;
  }
}
