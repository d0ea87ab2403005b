package io.sluice.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import io.sluice.core.spec.SpecLoader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.minikdc.MiniKdc;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keytab login against a real KDC (Hadoop's MiniKdc, Apache Kerby). */
class KerberosLoginTest {
  static Path dir;
  static MiniKdc kdc;
  static File keytab;
  static Path spec;

  @BeforeAll
  static void startKdc() throws Exception {
    dir = Files.createTempDirectory("sluice-kdc");
    kdc = new MiniKdc(MiniKdc.createConf(), dir.toFile());
    kdc.start();
    keytab = dir.resolve("sluice.keytab").toFile();
    kdc.createPrincipal(keytab, "sluice/localhost");
    Files.writeString(dir.resolve("e.avsc"), """
        {"type":"record","name":"E","fields":[{"name":"id","type":"string"},
          {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"seq","type":"long"}]}""");
    spec = dir.resolve("p.yaml");
    Files.writeString(spec, """
        name: secured
        source: {schema: e.avsc}
        table: {record-key: [id], ordering-field: seq, event-time-field: ts}
        """);
  }

  @AfterAll
  static void stopKdc() {
    UserGroupInformation.reset();
    UserGroupInformation.setConfiguration(new Configuration());
    if (kdc != null) {
      kdc.stop();
    }
  }

  private static PipelineSpec spec(String principal, String keytabPath) {
    return SpecLoader.load(spec, Map.of("security.kerberos-principal", principal, "security.kerberos-keytab", keytabPath));
  }

  @Test
  void logsInFromTheKeytabAndSwitchesHadoopToKerberos() throws Exception {
    PipelineSpec s = spec("sluice/localhost@" + kdc.getRealm(), keytab.getPath());
    Configuration conf = HadoopConfs.of(s);
    assertThat(conf.get(KerberosLogin.AUTHENTICATION)).isEqualTo("kerberos");
    KerberosLogin.loginIfConfigured(s, conf);
    UserGroupInformation ugi = UserGroupInformation.getLoginUser();
    assertThat(ugi.getUserName()).isEqualTo("sluice/localhost@" + kdc.getRealm());
    assertThat(ugi.isFromKeytab()).isTrue();
    assertThat(ugi.hasKerberosCredentials()).isTrue();
    assertThat(UserGroupInformation.isSecurityEnabled()).isTrue();
  }

  @Test
  void aPrincipalMissingFromTheKeytabFailsNamingBoth() {
    PipelineSpec s = spec("nobody/localhost@" + kdc.getRealm(), keytab.getPath());
    assertThatThrownBy(() -> KerberosLogin.loginIfConfigured(s, HadoopConfs.of(s)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("nobody/localhost@" + kdc.getRealm()).hasMessageContaining(keytab.getPath());
  }

  @Test
  void unreadableKeytabAndMissingKeytabAreClearErrors() {
    PipelineSpec s = spec("sluice/localhost@" + kdc.getRealm(), dir.resolve("absent.keytab").toString());
    assertThatThrownBy(() -> KerberosLogin.loginIfConfigured(s, HadoopConfs.of(s)))
        .hasMessageContaining("cannot read the keytab").hasMessageContaining("absent.keytab");
    assertThatThrownBy(() -> SpecLoader.load(spec, Map.of("security.kerberos-principal", "sluice@X")))
        .hasMessageContaining("security.kerberos-keytab").hasMessageContaining("needs a keytab");
  }
}
