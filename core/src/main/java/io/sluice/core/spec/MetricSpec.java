package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One metric: measures over event-time windows of one grain, grouped by dimension columns.
 *
 * @param name metric name, {@code [a-z][a-z0-9_]*}
 * @param source table the metric reads; only {@code events} for now
 * @param grain window size: 5m, 15m, 1h or 1d
 * @param dimensions columns to group by (may be empty)
 * @param measures aggregates, see {@link Measure}; default {@code [count]}
 * @param filter optional Apache Commons JEXL expression over the event's fields, e.g. {@code event_type == 'order'}
 */
public record MetricSpec(
    @JsonProperty("name") String name,
    @JsonProperty("source") String source,
    @JsonProperty("grain") Grain grain,
    @JsonProperty("dimensions") List<String> dimensions,
    @JsonProperty("measures") List<String> measures,
    @JsonProperty("filter") String filter) {

  public MetricSpec {
    source = source == null ? "events" : source;
    grain = grain == null ? Grain.H1 : grain;
    dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
    measures = measures == null ? List.of("count") : List.copyOf(measures);
  }

  /** The parsed measures. */
  public List<Measure> parsedMeasures() {
    return measures.stream().map(Measure::parse).toList();
  }
}
