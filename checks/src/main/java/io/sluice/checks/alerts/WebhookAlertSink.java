package io.sluice.checks.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each alert as a JSON body, retrying server errors and connection failures with exponential
 * backoff. A bearer token, if any, comes from an environment variable and is never logged; URLs are
 * logged with their query string and user info masked.
 */
final class WebhookAlertSink implements AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String name;
  private final URI url;
  private final String token;
  private final int attempts;
  private final Duration firstBackoff;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  WebhookAlertSink(String name, String url, String token, int attempts, Duration firstBackoff) {
    this.name = name;
    this.url = URI.create(url);
    this.token = token;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
  }

  @Override
  public String name() {
    return name;
  }

  /** The URL as logs may show it: no user info, no query string (either may carry a secret). */
  static String masked(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getPath()
        + (u.getQuery() != null ? "?***" : "");
  }

  @Override
  public void send(Alert a) throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(a)));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    Duration backoff = firstBackoff;
    String last = null;
    for (int i = 1; i <= attempts; i++) {
      try {
        HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        int code = resp.statusCode();
        if (code / 100 == 2) {
          return;
        }
        last = "HTTP " + code;
        if (code / 100 == 4 && code != 429 && code != 408) {
          break;   // the request itself is wrong; repeating it will not help
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      if (i < attempts) {
        LOG.warn("alert sink {}: delivery to {} failed ({}), attempt {} of {}; retrying in {} ms", name, masked(url),
            last, i, attempts, backoff.toMillis());
        Thread.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new IOException("alert sink " + name + ": delivery to " + masked(url) + " failed: " + last);
  }
}
