package io.sluice.core.spec;

/** Event-time partitioning of a table: {@code dt=yyyy-MM-dd} or {@code dt=yyyy-MM-dd/hr=HH}, in UTC. */
public enum PartitionGrain {
  DAY,
  HOUR
}
