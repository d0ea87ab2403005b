package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * The checks stage: completeness, data quality and anomaly checks run after each metrics recompute,
 * on the windows and records that changed. Every default is on and works on a laptop.
 *
 * @param enabled run checks after each batch; default true when the pipeline has metrics
 * @param freshnessSla the newest event time must be at most this old; default 1h
 * @param history how far back baselines look (volume, segments, column profiles, series); default 28d
 * @param volume the gate: missing windows and row counts against a seasonal baseline
 * @param segments dimension values that vanish or collapse
 * @param quality per-column checks on the changed records
 * @param anomaly anomaly detection on every metric series
 * @param records record-level outlier scoring of the changed events with a random cut forest
 * @param alerts where findings go
 */
public record ChecksSpec(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("freshness-sla") Duration freshnessSla,
    @JsonProperty("history") Duration history,
    @JsonProperty("volume") Volume volume,
    @JsonProperty("segments") Segments segments,
    @JsonProperty("quality") Quality quality,
    @JsonProperty("anomaly") Anomaly anomaly,
    @JsonProperty("records") Records records,
    @JsonProperty("alerts") Alerts alerts) {

  public static final ChecksSpec DEFAULTS = new ChecksSpec(null, null, null, null, null, null, null, null, null);

  public ChecksSpec {
    enabled = enabled == null || enabled;
    freshnessSla = freshnessSla == null ? Duration.ofHours(1) : freshnessSla;
    history = history == null ? Duration.ofDays(28) : history;
    volume = volume == null ? new Volume(null, null) : volume;
    segments = segments == null ? new Segments(null, null) : segments;
    quality = quality == null ? new Quality(null, null, null, null, null, null) : quality;
    anomaly = anomaly == null ? new Anomaly(null, null, null, null) : anomaly;
    records = records == null ? new Records(null, null, null, null, null, null, null, null, null, null, null, null, null)
        : records;
    alerts = alerts == null ? new Alerts(null, null) : alerts;
  }

  /**
   * @param metric the count metric whose total per window is the volume; default: the first metric
   *     with a {@code count} measure and no filter
   * @param maxDrop a complete window this far below its seasonal baseline fails the gate; default 0.3
   */
  public record Volume(@JsonProperty("metric") String metric, @JsonProperty("max-drop") Double maxDrop) {
    public Volume {
      maxDrop = maxDrop == null ? 0.3 : maxDrop;
    }
  }

  /**
   * @param minShareRatio a segment whose share of its metric falls below this fraction of its usual
   *     share has collapsed; default 0.5 (0 means only vanished segments are reported)
   * @param minBaselineRows segments averaging fewer rows per window than this are too small to judge;
   *     default 5
   */
  public record Segments(@JsonProperty("min-share-ratio") Double minShareRatio,
                         @JsonProperty("min-baseline-rows") Double minBaselineRows) {
    public Segments {
      minShareRatio = minShareRatio == null ? 0.5 : minShareRatio;
      minBaselineRows = minBaselineRows == null ? 5.0 : minBaselineRows;
    }
  }

  /**
   * @param columns columns to profile; default every user field except the record key and event time
   * @param maxLateShare share of a batch's records arriving after their window closed that warns; default 0.1
   * @param unitChangeRatio a median moving by this factor or more is a unit change; default 20
   * @param maxKsPValue distribution shift needs a KS p-value below this; default 1e-6
   * @param minKsDistance and a KS distance at least this; default 0.15
   * @param minRows fewer changed records in a day than this are not judged; default 200
   */
  public record Quality(@JsonProperty("columns") List<String> columns,
                        @JsonProperty("max-late-share") Double maxLateShare,
                        @JsonProperty("unit-change-ratio") Double unitChangeRatio,
                        @JsonProperty("max-ks-p-value") Double maxKsPValue,
                        @JsonProperty("min-ks-distance") Double minKsDistance,
                        @JsonProperty("min-rows") Integer minRows) {
    public Quality {
      columns = columns == null ? List.of() : List.copyOf(columns);
      maxLateShare = maxLateShare == null ? 0.1 : maxLateShare;
      unitChangeRatio = unitChangeRatio == null ? 20.0 : unitChangeRatio;
      maxKsPValue = maxKsPValue == null ? 1e-6 : maxKsPValue;
      minKsDistance = minKsDistance == null ? 0.15 : minKsDistance;
      minRows = minRows == null ? 200 : minRows;
    }
  }

  /**
   * @param enabled score metric series; default true
   * @param sensitivity in (0, 1]; higher flags more; default 0.5
   * @param measures measure columns to score; default every measure of every metric
   * @param replay each run saves every series' detector this far behind its newest window and the
   *     next run replays from there, so late data within it never forces a refit over all history;
   *     default 3d
   */
  public record Anomaly(@JsonProperty("enabled") Boolean enabled, @JsonProperty("sensitivity") Double sensitivity,
                        @JsonProperty("measures") List<String> measures, @JsonProperty("replay") Duration replay) {
    public Anomaly {
      enabled = enabled == null || enabled;
      replay = replay == null ? Duration.ofDays(3) : replay;
      sensitivity = sensitivity == null ? 0.5 : sensitivity;
      measures = measures == null ? List.of() : List.copyOf(measures);
    }
  }

  /**
   * Record-level outlier scoring: each run scores the changed events with a random cut forest, then
   * updates the forest with them; a daily retrain may replace it. Off by default because it costs
   * about as much as the rest of the checks together.
   *
   * @param enabled score records; default false
   * @param numeric numeric feature columns; default every numeric user field except key, ordering and time
   * @param categorical categorical feature columns; default every string, enum and boolean user field
   *     except the key, the entity and the delete flag
   * @param entity column whose records-per-hour within a run is a feature, so bursts from one entity
   *     stand out; default none
   * @param timeOfDay event hour as a (cyclic) feature; default true
   * @param threshold records scoring at least this (in [0, 1]) are findings; default 0.75
   * @param critical a window with a record scoring at least this is critical; default 0.85
   * @param trees trees in the forest; default 50
   * @param sampleSize points each tree keeps; default 1024 (512 separated injected outliers from clean
   *     records by a hair, 1024 with a margin, at 1.6x the cost)
   * @param updateSample the model learns at most this many of a run's records, evenly spread, so a
   *     large batch neither costs an update per record nor crowds out the forest's memory of earlier
   *     batches; default 4096
   * @param top records named in each finding; default 5
   * @param retrainDays the daily retrain samples this many recent days; default 7
   * @param retrainSample records the retrain samples; default 50000
   */
  public record Records(@JsonProperty("enabled") Boolean enabled, @JsonProperty("numeric") List<String> numeric,
                        @JsonProperty("categorical") List<String> categorical,
                        @JsonProperty("entity") String entity, @JsonProperty("time-of-day") Boolean timeOfDay,
                        @JsonProperty("threshold") Double threshold, @JsonProperty("critical") Double critical,
                        @JsonProperty("trees") Integer trees, @JsonProperty("sample-size") Integer sampleSize,
                        @JsonProperty("update-sample") Integer updateSample, @JsonProperty("top") Integer top, @JsonProperty("retrain-days") Integer retrainDays,
                        @JsonProperty("retrain-sample") Integer retrainSample) {
    public Records {
      enabled = enabled != null && enabled;
      numeric = numeric == null ? null : List.copyOf(numeric);
      categorical = categorical == null ? null : List.copyOf(categorical);
      timeOfDay = timeOfDay == null || timeOfDay;
      threshold = threshold == null ? 0.75 : threshold;
      critical = critical == null ? 0.85 : critical;
      trees = trees == null ? 50 : trees;
      sampleSize = sampleSize == null ? 1024 : sampleSize;
      updateSample = updateSample == null ? 4096 : updateSample;
      top = top == null ? 5 : top;
      retrainDays = retrainDays == null ? 7 : retrainDays;
      retrainSample = retrainSample == null ? 50_000 : retrainSample;
    }
  }

  /**
   * @param repeatAfter an open incident is alerted again only after this long; default 6h
   * @param sinks subscribers; default one log sink at warn
   */
  public record Alerts(@JsonProperty("repeat-after") Duration repeatAfter, @JsonProperty("sinks") List<Sink> sinks) {
    public Alerts {
      repeatAfter = repeatAfter == null ? Duration.ofHours(6) : repeatAfter;
      sinks = sinks == null ? List.of(new Sink("log", "log", null, null, null, null, null, null, null)) : List.copyOf(sinks);
    }
  }

  /**
   * One alert subscriber.
   *
   * @param name shown in logs
   * @param type {@code log}, {@code jsonl} or {@code webhook}
   * @param path file for {@code jsonl} (relative to work-dir)
   * @param url endpoint for {@code webhook}
   * @param tokenEnv environment variable holding a bearer token for the webhook; never logged
   * @param minSeverity {@code warn} (default) or {@code critical}
   * @param tables only findings on these tables; default all
   * @param checks only these checks; default all
   * @param retries webhook delivery attempts before giving up; default 4
   */
  public record Sink(@JsonProperty("name") String name, @JsonProperty("type") String type,
                     @JsonProperty("path") String path, @JsonProperty("url") String url,
                     @JsonProperty("token-env") String tokenEnv, @JsonProperty("min-severity") String minSeverity,
                     @JsonProperty("tables") List<String> tables, @JsonProperty("checks") List<String> checks,
                     @JsonProperty("retries") Integer retries) {
    public Sink {
      name = name == null ? type : name;
      minSeverity = minSeverity == null ? "warn" : minSeverity;
      tables = tables == null ? List.of() : List.copyOf(tables);
      checks = checks == null ? List.of() : List.copyOf(checks);
      retries = retries == null ? 4 : retries;
    }

    /** The {@code jsonl} file as a URI: {@code path} itself when absolute or a URI, else under {@code workDir}. */
    public String resolvedPath(String workDir) {
      return path.contains(":") || path.startsWith("/") ? path : workDir + "/" + path;
    }
  }
}
