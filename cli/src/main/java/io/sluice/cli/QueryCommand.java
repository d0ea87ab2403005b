package io.sluice.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.QuerySpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Run SQL on the pipeline's Presto or Trino (query.url in the spec: jdbc:trino:// uses the Trino",
        "driver, jdbc:presto:// the PrestoDB one). The password comes from query.password-env or",
        "query.password-file, never from the command line."})
final class QueryCommand implements Callable<Integer> {
  enum Format { table, csv, json }

  @Mixin PipelineOptions opts;

  @Parameters(index = "0", paramLabel = "SQL", description = "One SQL statement")
  String sql;

  @Option(names = "--format", defaultValue = "table", description = "table, csv or json (one object per row); default: ${DEFAULT-VALUE}")
  Format format;

  @Option(names = "--max-rows", defaultValue = "10000", description = "Stop after this many rows (default: ${DEFAULT-VALUE})")
  int maxRows;

  @Override
  public Integer call() throws Exception {
    var spec = opts.load();
    QuerySpec q = spec.query();
    if (q.url() == null) {
      throw new SluiceException("pipeline " + spec.name() + " has no query.url; add e.g. query: {url:"
          + " jdbc:trino://localhost:8080/hudi/default} to the spec");
    }
    Properties props = new Properties();
    props.putAll(q.properties());
    props.setProperty("user", q.user());
    String password = password(q);
    if (password != null) {
      props.setProperty("password", password);
    }
    loadDriver(q.url());
    try (Connection c = DriverManager.getConnection(q.url(), props); Statement s = c.createStatement()) {
      s.setMaxRows(maxRows);
      try (ResultSet rs = s.executeQuery(sql)) {
        print(rs, System.out);
      }
    } catch (SQLException e) {
      throw new SluiceException("query on " + masked(q.url()) + " failed: " + e.getMessage(), e);
    }
    return 0;
  }

  /** Registers the driver for the URL explicitly: service-loader discovery misses it in some class loaders. */
  static void loadDriver(String url) {
    String driver = url.startsWith("jdbc:presto:") ? "com.facebook.presto.jdbc.PrestoDriver" : "io.trino.jdbc.TrinoDriver";
    try {
      Class.forName(driver);
    } catch (ClassNotFoundException e) {
      throw new SluiceException("JDBC driver " + driver + " is not on the classpath", e);
    }
  }

  static String password(QuerySpec q) throws IOException {
    if (q.passwordEnv() != null) {
      String v = System.getenv(q.passwordEnv());
      if (v == null) {
        throw new SluiceException("query.password-env names " + q.passwordEnv() + ", which is not set");
      }
      return v;
    }
    if (q.passwordFile() != null) {
      List<String> lines = Files.readAllLines(Path.of(q.passwordFile()), StandardCharsets.UTF_8);
      return lines.isEmpty() ? "" : lines.get(0).strip();
    }
    return null;
  }

  /** The URL without its query string, which may carry credentials. */
  static String masked(String url) {
    int i = url.indexOf('?');
    return i < 0 ? url : url.substring(0, i) + "?***";
  }

  private void print(ResultSet rs, PrintStream out) throws SQLException, IOException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      names.add(md.getColumnLabel(i));
    }
    switch (format) {
      case csv -> {
        CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(names.toArray(String[]::new)).build());
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getString(i));
          }
          p.printRecord(row);
        }
        p.flush();
      }
      case json -> {
        while (rs.next()) {
          ObjectNode o = Output.JSON.createObjectNode();
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            o.putPOJO(names.get(i - 1), v instanceof Number || v instanceof Boolean || v == null ? v : v.toString());
          }
          out.println(o);
        }
      }
      default -> {
        List<String[]> rows = new ArrayList<>();
        int[] width = names.stream().mapToInt(String::length).toArray();
        while (rs.next()) {
          String[] row = new String[n];
          for (int i = 1; i <= n; i++) {
            row[i - 1] = String.valueOf(rs.getString(i));
            width[i - 1] = Math.min(60, Math.max(width[i - 1], row[i - 1].length()));
          }
          rows.add(row);
        }
        line(out, names.toArray(String[]::new), width);
        StringBuilder sep = new StringBuilder();
        for (int w : width) {
          sep.append(sep.length() == 0 ? "" : "-+-").append("-".repeat(w));
        }
        out.println(sep);
        rows.forEach(r -> line(out, r, width));
        out.printf("(%d row%s)%n", rows.size(), rows.size() == 1 ? "" : "s");
      }
    }
  }

  private static void line(PrintStream out, String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i].length() > width[i] ? cells[i].substring(0, width[i] - 1) + "…" : cells[i];
      sb.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", c));
    }
    out.println(sb.toString().stripTrailing());
  }
}
