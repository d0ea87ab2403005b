package io.sluice.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The launchers' argument files and the flags built into sluice-core (for Oozie actions) are one list each. */
class JvmFlagsTest {
  private static final Path CONF = Path.of(System.getProperty("sluice.repo.root", "..")).toAbsolutePath().resolve("conf");

  @org.junit.jupiter.api.Test
  void theLaunchersArgumentFilesHoldTheSameFlagsAsTheBuild() throws IOException {
    assertThat(argFile("jvm-opens.args")).isEqualTo(List.of(JvmFlags.opens().split("\\s+")));
    assertThat(argFile("jvm-batch.args")).isEqualTo(List.of(JvmFlags.batch().split("\\s+")));
    assertThat(JvmFlags.batch()).contains("-XX:MaxTenuringThreshold=0");
  }

  /** The flags of a java @argfile: whitespace separated, {@code #} to the end of a line is a comment. */
  private static List<String> argFile(String name) throws IOException {
    return Files.readAllLines(CONF.resolve(name)).stream()
        .map(l -> l.replaceFirst("#.*", "").strip())
        .filter(l -> !l.isEmpty())
        .flatMap(l -> List.of(l.split("\\s+")).stream())
        .toList();
  }
}
