package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * The metrics layer: windows recomputed from changed records into {@code <pipeline>_metrics}.
 *
 * @param allowedLateness a window is complete once the newest event time seen, minus this, is past
 *     its end; default 1h
 * @param definitions the metrics
 */
public record MetricsSpec(
    @JsonProperty("allowed-lateness") Duration allowedLateness,
    @JsonProperty("definitions") List<MetricSpec> definitions) {

  public static final MetricsSpec NONE = new MetricsSpec(null, null);

  public MetricsSpec {
    allowedLateness = allowedLateness == null ? Duration.ofHours(1) : allowedLateness;
    definitions = definitions == null ? List.of() : List.copyOf(definitions);
  }

  public boolean isEmpty() {
    return definitions.isEmpty();
  }
}
