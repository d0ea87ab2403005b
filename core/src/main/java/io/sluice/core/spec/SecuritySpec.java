package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Kerberos login for a secured cluster. With a principal, every pipeline command logs in from the keytab
 * through Hadoop's {@code UserGroupInformation} before touching HDFS, YARN or the metastore, and the
 * pipeline's Hadoop configuration gets {@code hadoop.security.authentication=kerberos}.
 *
 * @param kerberosPrincipal e.g. {@code sluice/_HOST@EXAMPLE.COM}; {@code _HOST} becomes this host's
 *     canonical name; none (default) means no Kerberos login
 * @param kerberosKeytab local keytab file holding the principal's keys; required with a principal
 * @param allowedDirs when set, every path the pipeline writes or reads (work dir, landing dir, tables,
 *     alert files) must lie under one of these URIs, e.g. {@code hdfs://nn:8020/data/sluice}; a spec with a
 *     path outside them is refused before anything is written
 */
public record SecuritySpec(
    @JsonProperty("kerberos-principal") String kerberosPrincipal,
    @JsonProperty("kerberos-keytab") String kerberosKeytab,
    @JsonProperty("allowed-dirs") java.util.List<String> allowedDirs) {

  public static final SecuritySpec NONE = new SecuritySpec(null, null, null);

  public SecuritySpec {
    allowedDirs = allowedDirs == null ? java.util.List.of() : java.util.List.copyOf(allowedDirs);
  }

  public boolean kerberos() {
    return kerberosPrincipal != null && !kerberosPrincipal.isBlank();
  }
}
