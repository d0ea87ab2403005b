package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * CSV dialect. The first row is always a header naming schema fields.
 *
 * @param delimiter field separator, default {@code ,}
 * @param nullValue text read as null, default the empty string
 */
public record CsvOptions(
    @JsonProperty("delimiter") Character delimiter,
    @JsonProperty("null-value") String nullValue) {

  public static final CsvOptions DEFAULT = new CsvOptions(null, null);

  public CsvOptions {
    delimiter = delimiter == null ? ',' : delimiter;
    nullValue = nullValue == null ? "" : nullValue;
  }
}
