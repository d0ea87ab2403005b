package io.sluice.core.spec;

import java.nio.file.Path;

/** Fills path defaults and turns relative paths into absolute URIs, so every stage sees the same places. */
final class SpecResolver {
  private SpecResolver() {}

  static PipelineSpec resolve(PipelineSpec raw, Path specDir, Path cwd) {
    String name = raw.name();
    String workDir = absolute(raw.workDir() == null ? "sluice-work" : raw.workDir(), cwd);
    SourceSpec src = raw.source() == null
        ? new SourceSpec(null, null, null, null, null, null, null, null, null, null) : raw.source();
    String landing = src.landingDir() == null
        ? workDir + "/landing/" + name : under(src.landingDir(), workDir);
    String schema = src.schema() == null ? null : absolute(src.schema(), specDir);
    TableSpec t = raw.table() == null
        ? new TableSpec(null, null, null, null, null, null, null, null, null, null) : raw.table();
    String tableName = t.name() == null && name != null ? name + "_events" : t.name();
    String base = t.basePath() == null ? workDir + "/tables/" + tableName : under(t.basePath(), workDir);
    return new PipelineSpec(name, workDir, src.withPaths(landing, schema),
        t.withNameAndPath(tableName, base), raw.metrics(), raw.checks(), raw.hive(), raw.query(), raw.security(), raw.oozie(), raw.hudi(), raw.hadoop());
  }

  private static String under(String p, String workDir) {
    if (SpecLoader.hasScheme(p) || p.startsWith("/")) {
      return normalize(p.startsWith("/") ? "file://" + Path.of(p).normalize() : p);
    }
    return normalize(workDir + "/" + p);
  }

  private static String absolute(String p, Path dir) {
    if (SpecLoader.hasScheme(p)) {
      return normalize(p);
    }
    return normalize("file://" + dir.resolve(p).toAbsolutePath().normalize());
  }

  private static String normalize(String uri) {
    String u = uri;
    while (u.endsWith("/") && !u.endsWith("://")) {
      u = u.substring(0, u.length() - 1);
    }
    return u.startsWith("file:/") && !u.startsWith("file:///") ? "file:///" + u.substring(6).replaceFirst("^/+", "") : u;
  }
}
