package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where {@code sluice query} sends SQL: a Trino ({@code jdbc:trino://}) or PrestoDB
 * ({@code jdbc:presto://}) JDBC URL. The password never comes from the spec or the command line.
 *
 * @param url JDBC URL, e.g. {@code jdbc:trino://trino.example.com:443/hudi/default?SSL=true}
 * @param user user name; default {@code sluice}
 * @param passwordEnv environment variable holding the password, if any
 * @param passwordFile file holding the password (first line), if any
 * @param properties further JDBC connection properties, passed as-is
 */
public record QuerySpec(
    @JsonProperty("url") String url,
    @JsonProperty("user") String user,
    @JsonProperty("password-env") String passwordEnv,
    @JsonProperty("password-file") String passwordFile,
    @JsonProperty("properties") Map<String, String> properties) {

  public static final QuerySpec NONE = new QuerySpec(null, null, null, null, null);

  public QuerySpec {
    user = user == null ? "sluice" : user;
    properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
  }
}
