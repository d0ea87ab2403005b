package io.sluice.core.spec;

import io.sluice.core.util.HadoopConfs;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Semantic checks that need the whole spec and its Avro schema; collects every problem, reports all. */
final class SpecValidator {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  static final Set<String> RESERVED = Set.of("dt", "hr", "_ingested_at", "_source_file", "_hoodie_is_deleted");

  private final String file;
  private final YamlLocator locator;
  private final List<SpecException> problems = new ArrayList<>();

  SpecValidator(String file, YamlLocator locator) {
    this.file = file;
    this.locator = locator;
  }

  void validate(PipelineSpec spec) {
    if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
      fail("name", spec.name() == null ? "missing pipeline name" : "invalid pipeline name '" + spec.name() + "'",
          "use lower case letters, digits and _ , starting with a letter, e.g. name: clicks");
    }
    SourceSpec src = spec.source();
    if (src.readThreads() < 1) {
      fail("source.read-threads", "must be at least 1, got " + src.readThreads(), "e.g. 2; default: the machine's cores");
    }
    if (src.maxFilesPerBatch() < 1) {
      fail("source.max-files-per-batch", "must be at least 1, got " + src.maxFilesPerBatch(), "e.g. 1000");
    }
    if (src.maxBytesPerBatch().bytes() < 1) {
      fail("source.max-bytes-per-batch", "must be positive", "e.g. 1g");
    }
    if (src.listingLookback().isNegative()) {
      fail("source.listing-lookback", "must not be negative", "e.g. 1h");
    }
    TableSpec t = spec.table();
    boolean derivedName = spec.name() != null && t.name() != null && t.name().equals(spec.name() + "_events");
    if (t.name() != null && !derivedName && !NAME.matcher(t.name()).matches()) {
      fail("table.name", "invalid table name '" + t.name() + "'", "lower case letters, digits and _");
    }
    if (t.writeThreads() < 1) {
      fail("table.write-threads", "must be at least 1, got " + t.writeThreads(), "e.g. 2; default: the machine's cores");
    }
    for (var e : spec.hudi().keySet()) {
      if (!e.startsWith("hoodie.")) {
        fail("hudi." + e, "'" + e + "' is not a Hudi config key", "Hudi keys start with 'hoodie.'; Hadoop keys go under hadoop:");
      }
    }
    checkOozie(spec.oozie());
    checkAllowedDirs(spec);
    if (spec.security().kerberos() && (spec.security().kerberosKeytab() == null || spec.security().kerberosKeytab().isBlank())) {
      fail("security.kerberos-keytab", "a Kerberos principal needs a keytab",
          "add kerberos-keytab: /etc/security/keytabs/sluice.keytab");
    }
    Schema schema = null;
    if (src.schema() == null) {
      fail("source.schema", "missing Avro schema file", "add e.g. schema: events.avsc (relative to this spec)");
    } else {
      schema = loadSchema(spec);
    }
    if (t.recordKey().isEmpty()) {
      fail("table.record-key", "missing record key", "list the field(s) that identify an event, e.g. record-key: [event_id]");
    }
    if (t.orderingField() == null) {
      fail("table.ordering-field", "missing ordering field", "the field whose largest value wins among versions of a key, e.g. updated_at");
    }
    if (t.eventTimeField() == null) {
      fail("table.event-time-field", "missing event-time field", "the timestamp field that decides the partition, e.g. event_time");
    }
    if (schema != null) {
      checkFields(schema, t);
      checkMetrics(schema, spec.metrics());
      checkChecks(schema, spec);
    }
    checkQuery(spec.query());
    if (!problems.isEmpty()) {
      if (problems.size() == 1) {
        throw problems.get(0);
      }
      StringBuilder all = new StringBuilder();
      problems.forEach(p -> all.append(all.length() == 0 ? "" : "\n").append(p.getMessage()));
      SpecException first = problems.get(0);
      throw new SpecException(file, first.yamlPath(), first.line(),
          problems.size() + " problems in the spec:\n" + all, null);
    }
  }

  private Schema loadSchema(PipelineSpec spec) {
    Path p = new Path(spec.source().schema());
    try (FileSystem fs = FileSystem.newInstance(p.toUri(), HadoopConfs.of(spec));
         InputStream in = fs.open(p)) {
      Schema s = new Schema.Parser().parse(in);
      if (s.getType() != Schema.Type.RECORD) {
        fail("source.schema", "schema " + p + " is a " + s.getType() + ", not a record", "the top level must be {\"type\": \"record\", ...}");
        return null;
      }
      return s;
    } catch (SchemaParseException e) {
      fail("source.schema", "schema " + p + " is not valid Avro: " + e.getMessage(), "check it with avro-tools or a JSON linter");
    } catch (IOException e) {
      fail("source.schema", "cannot read schema " + p + ": " + e.getMessage(), "paths are relative to the spec file");
    }
    return null;
  }

  private void checkFields(Schema schema, TableSpec t) {
    for (Schema.Field f : schema.getFields()) {
      if (RESERVED.contains(f.name()) || f.name().startsWith("_hoodie")) {
        fail("source.schema", "field '" + f.name() + "' is reserved by Sluice", "rename it; reserved: " + RESERVED + " and _hoodie_*");
      }
    }
    for (int i = 0; i < t.recordKey().size(); i++) {
      requireField(schema, t.recordKey().get(i), "table.record-key[" + i + "]",
          EnumSet.of(Schema.Type.STRING, Schema.Type.INT, Schema.Type.LONG));
    }
    if (t.orderingField() != null) {
      requireField(schema, t.orderingField(), "table.ordering-field",
          EnumSet.of(Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT, Schema.Type.DOUBLE, Schema.Type.STRING));
    }
    if (t.eventTimeField() != null) {
      Schema s = requireField(schema, t.eventTimeField(), "table.event-time-field", EnumSet.of(Schema.Type.LONG));
      if (s != null && s.getLogicalType() != null && !(s.getLogicalType() instanceof LogicalTypes.TimestampMillis)
          && !(s.getLogicalType() instanceof LogicalTypes.TimestampMicros)) {
        fail("table.event-time-field", "field '" + t.eventTimeField() + "' has logical type " + s.getLogicalType().getName(),
            "use a long with logicalType timestamp-millis or timestamp-micros");
      }
    }
    if (t.deleteField() != null) {
      requireField(schema, t.deleteField(), "table.delete-field", EnumSet.of(Schema.Type.BOOLEAN));
    }
  }

  private static final Set<String> METRIC_COLUMNS = Set.of("metric", "grain", "window_start", "window_end", "dims",
      "revision", "is_complete", "late_correction", "computed_at", "source_instant", "dt", "_hoodie_is_deleted", "partials");

  private void checkMetrics(Schema schema, MetricsSpec metrics) {
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < metrics.definitions().size(); i++) {
      MetricSpec m = metrics.definitions().get(i);
      String at = "metrics.definitions[" + i + "]";
      if (m.name() == null || !NAME.matcher(m.name()).matches()) {
        fail(at + ".name", m.name() == null ? "missing metric name" : "invalid metric name '" + m.name() + "'",
            "lower case letters, digits and _");
      } else if (!names.add(m.name())) {
        fail(at + ".name", "metric '" + m.name() + "' is defined twice", "metric names must be unique");
      }
      if (!m.source().equals("events")) {
        fail(at + ".source", "unknown source table '" + m.source() + "'", "metrics read the events table: source: events");
      }
      for (int d = 0; d < m.dimensions().size(); d++) {
        String dim = m.dimensions().get(d);
        if (METRIC_COLUMNS.contains(dim)) {
          fail(at + ".dimensions[" + d + "]", "'" + dim + "' clashes with a metrics-table column", "group by another field");
        } else {
          requireField(schema, dim, at + ".dimensions[" + d + "]",
              EnumSet.of(Schema.Type.STRING, Schema.Type.ENUM, Schema.Type.INT, Schema.Type.LONG, Schema.Type.BOOLEAN));
        }
      }
      for (int k = 0; k < m.measures().size(); k++) {
        String path = at + ".measures[" + k + "]";
        try {
          Measure ms = Measure.parse(m.measures().get(k));
          if (ms.field() != null) {
            requireField(schema, ms.field(), path, ms.kind().numeric
                ? EnumSet.of(Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT, Schema.Type.DOUBLE)
                : EnumSet.allOf(Schema.Type.class));
          }
        } catch (IllegalArgumentException e) {
          fail(path, e.getMessage(), "measures: count, sum(f), avg(f), min(f), max(f), count_distinct(f), p50(f)..p99(f),"
              + " approx_p50(f)..approx_p99(f), nulls(f)");
        }
      }
      if (m.filter() != null) {
        try {
          for (String f : EventFilter.compile(m.filter()).fields()) {
            if (schema.getField(f) == null) {
              fail(at + ".filter", "filter reads '" + f + "', which is not a schema field",
                  "quote string literals: event_type == 'order'");
            }
          }
        } catch (IllegalArgumentException e) {
          fail(at + ".filter", e.getMessage(), "JEXL syntax, e.g. event_type == 'order' && amount > 10");
        }
      }
    }
  }

  private Schema requireField(Schema schema, String name, String path, Set<Schema.Type> types) {
    Schema.Field f = schema.getField(name);
    if (f == null) {
      fail(path, "field '" + name + "' is not in the schema " + schema.getFullName(),
          SpecLoader.suggest(name, new ArrayList<>(schema.getFields().stream().map(Schema.Field::name).toList()))
              .replace("valid keys here", "schema fields"));
      return null;
    }
    Schema s = nonNull(f.schema());
    if (!types.contains(s.getType())) {
      fail(path, "field '" + name + "' is " + s.getType().getName(), "expected one of " + types);
      return null;
    }
    return s;
  }

  /** The non-null branch of a nullable union, or the schema itself. */
  static Schema nonNull(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      for (Schema b : s.getTypes()) {
        if (b.getType() != Schema.Type.NULL) {
          return b;
        }
      }
    }
    return s;
  }

  private void checkQuery(QuerySpec q) {
    if (q.url() != null && !q.url().startsWith("jdbc:trino://") && !q.url().startsWith("jdbc:presto://")) {
      fail("query.url", "unsupported JDBC URL '" + q.url() + "'", "jdbc:trino://host:port/catalog/schema or jdbc:presto://…");
    }
    if (q.properties().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("password"))) {
      fail("query.properties.password", "a password in the spec would end up in version control and logs",
          "use query.password-env or query.password-file");
    }
  }

  private void checkChecks(Schema schema, PipelineSpec spec) {
    ChecksSpec c = spec.checks();
    String vm = c.volume().metric();
    if (vm != null && spec.metrics().definitions().stream().noneMatch(m -> m.name().equals(vm))) {
      fail("checks.volume.metric", "no metric named '" + vm + "'", "name one of the metrics under metrics.definitions");
    }
    if (!(c.volume().maxDrop() > 0 && c.volume().maxDrop() < 1)) {
      fail("checks.volume.max-drop", "max-drop must be between 0 and 1, got " + c.volume().maxDrop(), "e.g. 0.3 for a 30% drop");
    }
    double sens = c.anomaly().sensitivity();
    if (!(sens > 0 && sens <= 1)) {
      fail("checks.anomaly.sensitivity", "sensitivity must be in (0, 1], got " + sens, "0.5 is the default; higher flags more");
    }
    for (int i = 0; i < c.quality().columns().size(); i++) {
      String col = c.quality().columns().get(i);
      if (schema.getField(col) == null) {
        fail("checks.quality.columns[" + i + "]", "'" + col + "' is not a schema field", "list fields of the source schema");
      }
    }
    checkRecords(schema, c.records());
    for (int i = 0; i < c.alerts().sinks().size(); i++) {
      ChecksSpec.Sink k = c.alerts().sinks().get(i);
      String at = "checks.alerts.sinks[" + i + "]";
      if (k.type() == null || !Set.of("log", "jsonl", "webhook").contains(k.type())) {
        fail(at + ".type", k.type() == null ? "missing sink type" : "unknown sink type '" + k.type() + "'", "log, jsonl or webhook");
      } else if (k.type().equals("jsonl") && k.path() == null) {
        fail(at + ".path", "a jsonl sink needs a path", "e.g. path: alerts.jsonl (relative to work-dir)");
      } else if (k.type().equals("webhook") && (k.url() == null || !k.url().matches("https?://.+"))) {
        fail(at + ".url", "a webhook sink needs an http(s) url", "e.g. url: https://hooks.example.com/sluice");
      }
      if (!Set.of("warn", "critical").contains(k.minSeverity())) {
        fail(at + ".min-severity", "unknown severity '" + k.minSeverity() + "'", "warn or critical");
      }
      if (k.retries() < 1) {
        fail(at + ".retries", "retries must be at least 1", "attempts per alert, e.g. 4");
      }
    }
  }

  private static final Set<Schema.Type> NUMERIC = EnumSet.of(Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT,
      Schema.Type.DOUBLE);
  private static final Set<Schema.Type> CATEGORICAL = EnumSet.of(Schema.Type.STRING, Schema.Type.ENUM,
      Schema.Type.BOOLEAN, Schema.Type.INT, Schema.Type.LONG);

  private void checkRecords(Schema schema, ChecksSpec.Records r) {
    String at = "checks.records";
    if (r.numeric() != null) {
      for (int i = 0; i < r.numeric().size(); i++) {
        requireField(schema, r.numeric().get(i), at + ".numeric[" + i + "]", NUMERIC);
      }
    }
    if (r.categorical() != null) {
      for (int i = 0; i < r.categorical().size(); i++) {
        requireField(schema, r.categorical().get(i), at + ".categorical[" + i + "]", CATEGORICAL);
      }
    }
    if (r.entity() != null) {
      requireField(schema, r.entity(), at + ".entity", CATEGORICAL);
    }
    if (!(r.threshold() > 0 && r.threshold() < 1) || !(r.critical() >= r.threshold() && r.critical() <= 1)) {
      fail(at + ".threshold", "need 0 < threshold < 1 and threshold <= critical <= 1, got " + r.threshold() + " and "
          + r.critical(), "defaults are threshold 0.75, critical 0.85");
    }
    if (r.trees() < 1 || r.trees() > 1000) {
      fail(at + ".trees", "trees must be in [1, 1000], got " + r.trees(), "50 is the default");
    }
    if (r.sampleSize() < 16 || r.sampleSize() > 4096) {
      fail(at + ".sample-size", "sample-size must be in [16, 4096], got " + r.sampleSize(), "1024 is the default");
    }
    if (r.updateSample() < 1) {
      fail(at + ".update-sample", "update-sample must be at least 1, got " + r.updateSample(), "4096 is the default");
    }
    if (r.retrainDays() < 1 || r.retrainSample() < 1000 || r.top() < 1) {
      fail(at + ".retrain-days", "retrain-days and top must be at least 1 and retrain-sample at least 1000",
          "defaults are 7 days, 50000 records, top 5");
    }
  }

  private void fail(String path, String problem, String hint) {
    problems.add(new SpecException(file, path, locator.lineOf(path), problem, hint));
  }

  private void checkOozie(OozieSpec o) {
    // Oozie counts in whole minutes: coord:minutes(N), retry-interval, timeout.
    wholeMinutes("oozie.every", o.every());
    wholeMinutes("oozie.retry-interval", o.retryInterval());
    wholeMinutes("oozie.timeout", o.timeout());
    wholeMinutes("oozie.sla-should-end", o.slaShouldEnd());
    if (o.retryMax() < 0) {
      fail("oozie.retry-max", "must not be negative, got " + o.retryMax(), "e.g. 2");
    }
    if (o.backfillParallelism() < 1) {
      fail("oozie.backfill-parallelism", "must be at least 1, got " + o.backfillParallelism(), "e.g. 2");
    }
    if (o.launcherMemoryMb() < 256) {
      fail("oozie.launcher-memory-mb", "too small: " + o.launcherMemoryMb(), "e.g. 2048");
    }
  }

  private void wholeMinutes(String path, java.time.Duration d) {
    if (d.isNegative() || d.isZero() || d.toSeconds() % 60 != 0) {
      fail(path, "must be a positive whole number of minutes, got " + d, "e.g. 5m or 1h");
    }
  }

  /** With security.allowed-dirs set, refuses any path outside them (after resolving . and ..). */
  private void checkAllowedDirs(PipelineSpec spec) {
    List<java.net.URI> allowed = new ArrayList<>();
    for (String d : spec.security().allowedDirs()) {
      allowed.add(uri(d.startsWith("/") ? "file://" + d : d));
    }
    if (allowed.isEmpty()) {
      return;
    }
    java.util.Map<String, String> paths = new java.util.LinkedHashMap<>();
    paths.put("work-dir", spec.workDir());
    paths.put("source.landing-dir", spec.source().landingDir());
    paths.put("table.base-path", spec.table().basePath());
    for (ChecksSpec.Sink s : spec.checks().alerts().sinks()) {
      if (s.path() != null) {
        paths.put("checks.alerts.sinks." + s.name() + ".path", s.resolvedPath(spec.workDir()));
      }
    }
    paths.forEach((key, p) -> {
      if (p != null && allowed.stream().noneMatch(a -> under(uri(p.startsWith("/") ? "file://" + p : p), a))) {
        fail(key, "'" + p + "' is outside security.allowed-dirs " + spec.security().allowedDirs(),
            "move it under one of them, or add its directory to security.allowed-dirs");
      }
    });
  }

  private static java.net.URI uri(String s) {
    return java.net.URI.create(s.replace(" ", "%20")).normalize();
  }

  private static boolean under(java.net.URI p, java.net.URI dir) {
    String a = p.getPath() == null ? "" : p.getPath();
    String d = dir.getPath() == null ? "" : dir.getPath().replaceAll("/+$", "");
    boolean sameFs = java.util.Objects.equals(p.getScheme(), dir.getScheme())
        && java.util.Objects.equals(p.getAuthority(), dir.getAuthority());
    return sameFs && !a.contains("/../") && (a.equals(d) || a.startsWith(d + "/"));
  }
}
