package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.core.util.ByteSize;
import java.time.Duration;

/**
 * Where raw events land and how to read them. Landing files are never modified or deleted.
 *
 * @param landingDir directory on any Hadoop filesystem; default {@code <work-dir>/landing/<pipeline>}
 * @param format file encoding, default {@link SourceFormat#JSONL}
 * @param schema Avro schema file ({@code .avsc}) of one event; required
 * @param filePattern glob on file names, default {@code *}; names starting with {@code _} or {@code .} are always skipped
 * @param maxFilesPerBatch cap on files taken by one batch, default 1000
 * @param maxBytesPerBatch cap on bytes taken by one batch, default 1g (one file is always taken)
 * @param listingLookback how far behind the newest processed file's modification time new files are
 *     still looked for, default 1h; covers writers that close files out of order
 * @param readThreads landing files parsed at once, default the machine's available processors;
 *     records come out in file order whatever the count
 */
public record SourceSpec(
    @JsonProperty("landing-dir") String landingDir,
    @JsonProperty("format") SourceFormat format,
    @JsonProperty("schema") String schema,
    @JsonProperty("file-pattern") String filePattern,
    @JsonProperty("max-files-per-batch") Integer maxFilesPerBatch,
    @JsonProperty("max-bytes-per-batch") ByteSize maxBytesPerBatch,
    @JsonProperty("listing-lookback") Duration listingLookback,
    @JsonProperty("read-threads") Integer readThreads,
    @JsonProperty("csv") CsvOptions csv,
    @JsonProperty("validation") ValidationSpec validation) {

  public SourceSpec {
    format = format == null ? SourceFormat.JSONL : format;
    filePattern = filePattern == null ? "*" : filePattern;
    maxFilesPerBatch = maxFilesPerBatch == null ? 1000 : maxFilesPerBatch;
    maxBytesPerBatch = maxBytesPerBatch == null ? ByteSize.parse("1g") : maxBytesPerBatch;
    listingLookback = listingLookback == null ? Duration.ofHours(1) : listingLookback;
    readThreads = readThreads == null ? Runtime.getRuntime().availableProcessors() : readThreads;
    csv = csv == null ? CsvOptions.DEFAULT : csv;
    validation = validation == null ? ValidationSpec.DEFAULT : validation;
  }

  SourceSpec withPaths(String landing, String schemaPath) {
    return new SourceSpec(landing, format, schemaPath, filePattern, maxFilesPerBatch,
        maxBytesPerBatch, listingLookback, readThreads, csv, validation);
  }
}
