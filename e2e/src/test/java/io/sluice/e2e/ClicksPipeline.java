package io.sluice.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The clicks pipeline on the demo schema that the end-to-end tests share; each adds its own sections. */
final class ClicksPipeline {
  /** Hourly counts, distinct users and p95 latency by platform and event type. */
  static final String BY_PLATFORM_METRICS = """
      metrics:
        definitions:
          - name: by_platform
            grain: 1h
            dimensions: [platform, event_type]
            measures: [count, count_distinct(user_id), p95(latency_ms)]
      """;
  static final String NO_SYNC = "hive:\n  sync: false\n";

  private ClicksPipeline() {}

  /**
   * Writes the spec to {@code file} (next to a copy of demo.avsc) and returns it.
   *
   * @param sourceLines extra keys of the {@code source:} section, one per line, unindented
   * @param sections further top-level sections, as YAML
   */
  static Path write(Path file, String workDir, String sourceLines, String sections) throws IOException {
    Path schema = file.resolveSibling("demo.avsc");
    if (!Files.exists(schema)) {
      Files.copy(Path.of(System.getProperty("sluice.repo.root", "..")).resolve("conf/demo.avsc"), schema);
    }
    StringBuilder source = new StringBuilder();
    for (String l : sourceLines.split("\n")) {
      if (!l.isBlank()) {
        source.append("  ").append(l).append('\n');
      }
    }
    Files.writeString(file, """
        name: clicks
        work-dir: %s
        source:
          schema: demo.avsc
        %s  validation:
            max-future-skew: 3650d
        table:
          record-key: [event_id]
          ordering-field: updated_at
          event-time-field: event_time
          delete-field: deleted
        """.formatted(workDir, source) + sections);
    return file;
  }
}
