package io.sluice.core.util;

import io.sluice.core.spec.PipelineSpec;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** Builds the Hadoop {@link Configuration} of a pipeline: site files on the classpath, then the spec's {@code hadoop:} keys. */
public final class HadoopConfs {
  private HadoopConfs() {}

  public static Configuration of(PipelineSpec spec) {
    return of(spec.hadoop());
  }

  public static Configuration of(Map<String, String> overrides) {
    Configuration conf = new Configuration();
    overrides.forEach(conf::set);
    return conf;
  }
}
