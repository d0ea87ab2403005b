package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.core.util.ByteSize;
import java.time.Duration;
import java.time.Instant;

/**
 * Record-level rules applied at ingest on top of the Avro schema's types.
 *
 * @param minEventTime event times before this are quarantined, default 1970-01-01T00:00:00Z
 * @param maxFutureSkew event times later than the file's arrival plus this are quarantined, default 1d
 * @param maxRecordBytes longer lines or records are quarantined without being parsed, default 1m
 * @param allowUnknownFields when false (default) a field not in the schema quarantines the record
 */
public record ValidationSpec(
    @JsonProperty("min-event-time") Instant minEventTime,
    @JsonProperty("max-future-skew") Duration maxFutureSkew,
    @JsonProperty("max-record-bytes") ByteSize maxRecordBytes,
    @JsonProperty("allow-unknown-fields") Boolean allowUnknownFields) {

  public static final ValidationSpec DEFAULT = new ValidationSpec(null, null, null, null);

  public ValidationSpec {
    minEventTime = minEventTime == null ? Instant.EPOCH : minEventTime;
    maxFutureSkew = maxFutureSkew == null ? Duration.ofDays(1) : maxFutureSkew;
    maxRecordBytes = maxRecordBytes == null ? ByteSize.ofMegabytes(1) : maxRecordBytes;
    allowUnknownFields = allowUnknownFields != null && allowUnknownFields;
  }
}
