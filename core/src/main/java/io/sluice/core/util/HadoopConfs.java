package io.sluice.core.util;

import io.sluice.core.spec.PipelineSpec;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Builds the Hadoop {@link Configuration} of a pipeline: site files on the classpath, then (inside an
 * Oozie java action) the action's configuration, then the spec's {@code hadoop:} keys.
 */
public final class HadoopConfs {
  /** System property Oozie's launcher sets to the action configuration file. */
  public static final String OOZIE_ACTION_CONF = "oozie.action.conf.xml";

  static {
    io.sluice.core.fs.LocalFileSystems.register();
  }

  private HadoopConfs() {}

  public static Configuration of(PipelineSpec spec) {
    Configuration conf = of(spec.hadoop());
    if (spec.security().kerberos() && !spec.hadoop().containsKey(KerberosLogin.AUTHENTICATION)) {
      conf.set(KerberosLogin.AUTHENTICATION, "kerberos");
    }
    return conf;
  }

  public static Configuration of(Map<String, String> overrides) {
    Configuration conf = new Configuration();
    String oozieActionConf = System.getProperty(OOZIE_ACTION_CONF);
    if (oozieActionConf != null && new java.io.File(oozieActionConf).isFile()) {
      // Oozie hands a java action the cluster settings (fs.defaultFS, the RM, tokens) only through this file.
      conf.addResource(new org.apache.hadoop.fs.Path("file://" + new java.io.File(oozieActionConf).getAbsolutePath()));
    }
    overrides.forEach(conf::set);
    return conf;
  }
}
