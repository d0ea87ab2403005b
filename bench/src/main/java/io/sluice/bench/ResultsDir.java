package io.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --results} directory every benchmark shares: CSV rows are appended, markdown summaries replaced. */
public final class ResultsDir {
  @Option(names = "--results", defaultValue = "bench/results", description = "Where CSV and markdown go (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("bench/results");

  /** Appends {@code rows} to {@code name}, writing {@code header} first when the file is new. */
  public void appendCsv(String name, String header, List<String> rows) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve(name);
    StringBuilder text = new StringBuilder();
    if (!Files.exists(csv)) {
      text.append(header).append('\n');
    }
    rows.forEach(r -> text.append(r).append('\n'));
    Files.writeString(csv, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Writes {@code name}, replacing an earlier run's summary; {@code append} adds to this run's instead. */
  public void writeMarkdown(String name, String text, boolean append) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }
}
