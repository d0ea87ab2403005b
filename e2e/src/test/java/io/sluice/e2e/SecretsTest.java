package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sluice.cli.demo.DemoEvents;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets (a webhook bearer token, a secret in the webhook URL's query, a JDBC password) are used but
 * never written: not to stdout/stderr, logs, {@code --json} output, alert files, reports or any file under
 * the work dir, even when the webhook fails and the query endpoint is unreachable.
 */
class SecretsTest {
  static final String TOKEN = "tok-3f9a1c77d2e4";
  static final String URL_SECRET = "urlkey-8b21ee90";
  static final String PASSWORD = "pw-51c0ffee9d";

  @TempDir Path dir;

  @Test
  void secretsAreUsedButNeverWrittenAnywhere() throws Exception {
    List<String> authHeaders = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", x -> {
      authHeaders.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
      x.sendResponseHeaders(500, -1);  // fail, so the sink logs its retries and the final failure
      x.close();
    });
    hook.start();
    try {
      Files.copy(Path.of(System.getProperty("sluice.repo.root", "..")).resolve("conf/demo.avsc"), dir.resolve("demo.avsc"));
      Path work = dir.resolve("work");
      new DemoEvents(DemoEvents.Config.defaults(Instant.parse("2026-01-05T10:00:00Z")).withEventsPerBatch(300))
          .writeBatch(0, FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(work + "/landing/clicks"));
      Path spec = dir.resolve("secrets.yaml");
      ClicksPipeline.write(spec, work.toString(), "", """
          metrics:
            definitions:
              - name: by_platform
                grain: 1h
                dimensions: [platform]
                measures: [count]
          checks:
            freshness-sla: 1h
            alerts:
              sinks:
                - {name: log, type: log, min-severity: warn}
                - {name: file, type: jsonl, path: alerts.jsonl, min-severity: warn}
                - name: ops
                  type: webhook
                  url: http://127.0.0.1:%d/hook?key=%s
                  token-env: SLUICE_TEST_WEBHOOK_TOKEN
                  min-severity: warn
                  retries: 1
          query:
            url: jdbc:trino://127.0.0.1:9/hive/default
            password-env: SLUICE_TEST_QUERY_PASSWORD
          """.formatted(hook.getAddress().getPort(), URL_SECRET) + ClicksPipeline.NO_SYNC);
      Map<String, String> env = Map.of("SLUICE_TEST_WEBHOOK_TOKEN", TOKEN, "SLUICE_TEST_QUERY_PASSWORD", PASSWORD);

      List<Path> outputs = new ArrayList<>();
      String[][] commands = {
          {"run", "--once", "--json", "-p", spec.toString()},
          {"checks", "--json", "-p", spec.toString()},
          {"report", "-p", spec.toString(), "--out", dir.resolve("report.html").toString()},
          {"query", "-p", spec.toString(), "--json", "select 1"},
          {"notify-failure", "-p", spec.toString(), "--workflow-id", "wf-1", "--message", "boom", "--json"},
      };
      for (int i = 0; i < commands.length; i++) {
        Path log = dir.resolve("cmd-" + i + ".log");
        SluiceProcess.run(log, env, commands[i]);
        outputs.add(log);
      }
      // The secrets were really used: the webhook got the bearer token (the query failed to connect).
      assertThat(authHeaders).isNotEmpty().allSatisfy(h -> assertThat(h).isEqualTo("Bearer " + TOKEN));
      assertThat(Files.readString(outputs.get(3))).containsIgnoringCase("127.0.0.1:9");

      // Everything Sluice wrote: command output, and every file in the temp dir but the inputs (the spec holds
      // the webhook URL by design; landing files and the schema are the user's).
      List<Path> everything = new ArrayList<>(outputs);
      try (Stream<Path> s = Files.walk(dir)) {
        s.filter(Files::isRegularFile)
            .filter(p -> !p.equals(spec) && !p.toString().contains("/landing/") && !p.endsWith("demo.avsc"))
            .forEach(everything::add);
      }
      assertThat(everything).anySatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo("alerts.jsonl"));
      for (Path p : everything) {
        String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        for (String secret : List.of(TOKEN, URL_SECRET, PASSWORD)) {
          assertThat(text).as("secret in " + p).doesNotContain(secret);
        }
      }
    } finally {
      hook.stop(0);
    }
  }
}
