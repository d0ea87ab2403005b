package io.sluice.core.util;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SecuritySpec;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.SecurityUtil;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the process in to Kerberos from the spec's keytab, through Hadoop's {@link UserGroupInformation}. */
public final class KerberosLogin {
  /** Hadoop's key for the authentication method. */
  public static final String AUTHENTICATION = "hadoop.security.authentication";
  private static final Logger LOG = LoggerFactory.getLogger(KerberosLogin.class);

  private KerberosLogin() {}

  /**
   * Logs in when the spec names a principal; does nothing otherwise. Fails with the principal and keytab
   * named when the keytab is missing or does not hold the principal's keys.
   */
  public static void loginIfConfigured(PipelineSpec spec) {
    if (spec.security().kerberos()) {
      loginIfConfigured(spec, HadoopConfs.of(spec));
    }
  }

  /** As {@link #loginIfConfigured(PipelineSpec)}, with the pipeline's Hadoop configuration already built. */
  public static void loginIfConfigured(PipelineSpec spec, Configuration conf) {
    SecuritySpec s = spec.security();
    if (!s.kerberos()) {
      return;
    }
    File keytab = new File(s.kerberosKeytab());
    if (!keytab.canRead()) {
      throw new SluiceException("cannot read the keytab " + keytab + " for " + s.kerberosPrincipal()
          + " (security.kerberos-keytab)");
    }
    String principal;
    try {
      principal = SecurityUtil.getServerPrincipal(s.kerberosPrincipal(), InetAddress.getLocalHost().getCanonicalHostName());
    } catch (IOException e) {
      throw new SluiceException("cannot resolve _HOST in " + s.kerberosPrincipal() + ": " + e.getMessage());
    }
    UserGroupInformation.setConfiguration(conf);
    try {
      UserGroupInformation.loginUserFromKeytab(principal, keytab.getPath());
    } catch (IOException e) {
      throw new SluiceException("Kerberos login as " + principal + " from " + keytab + " failed: " + e.getMessage()
          + " (is the principal in the keytab, and is krb5.conf for its realm in place?)");
    }
    LOG.info("logged in to Kerberos as {} from {}", principal, keytab);
  }
}
