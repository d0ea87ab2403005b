package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

/**
 * CSV dialect. The first row is always a header naming schema fields.
 *
 * @param delimiter field separator, default {@code ,}
 * @param nullValue text read as null, default the empty string. An unquoted {@code NULL}, {@code null}
 *     or {@code ~} is YAML's null, not that text, so the spec fails rather than silently reading the default
 */
public record CsvOptions(
    @JsonProperty("delimiter") Character delimiter,
    @JsonProperty("null-value") @JsonSetter(nulls = Nulls.FAIL) String nullValue) {

  public static final CsvOptions DEFAULT = new CsvOptions(null, null);

  public CsvOptions {
    delimiter = delimiter == null ? ',' : delimiter;
    nullValue = nullValue == null ? "" : nullValue;
  }
}
