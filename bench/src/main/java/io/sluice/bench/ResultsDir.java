package io.sluice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The {@code --results} directory every benchmark shares: CSV rows are appended, markdown summaries replaced. */
public final class ResultsDir {
  @Option(names = "--results", defaultValue = "bench/results", description = "Where CSV and markdown go (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("bench/results");

  /**
   * Appends {@code rows} to {@code name}, writing {@code header} first when the file is new. Every row
   * ends with a {@code jvm_flags} column (heap and GC settings of this JVM), since they move the figures;
   * rows of a file written before that column get it empty.
   */
  public void appendCsv(String name, String header, List<String> rows) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve(name);
    String fullHeader = header + ",jvm_flags";
    StringBuilder text = new StringBuilder();
    if (!Files.exists(csv)) {
      text.append(fullHeader).append('\n');
    } else {
      List<String> old = Files.readAllLines(csv, StandardCharsets.UTF_8);
      if (!old.isEmpty() && old.get(0).equals(header)) {
        StringBuilder padded = new StringBuilder(fullHeader).append('\n');
        old.subList(1, old.size()).forEach(r -> padded.append(r).append(",\n"));
        Files.writeString(csv, padded, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
      }
    }
    String flags = '"' + jvmFlags() + '"';
    rows.forEach(r -> text.append(r).append(',').append(flags).append('\n'));
    Files.writeString(csv, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** This JVM's -X and -XX options (heap, GC, a flight recording), without the module opens. */
  public static String jvmFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-X"))
        .map(a -> a.replace('"', '\''))
        .collect(Collectors.joining(" "));
  }

  /** Writes {@code name}, replacing an earlier run's summary; {@code append} adds to this run's instead. */
  public void writeMarkdown(String name, String text, boolean append) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }
}
