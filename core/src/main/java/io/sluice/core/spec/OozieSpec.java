package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * How {@code sluice oozie render} schedules the pipeline on Oozie. Cluster addresses (name node,
 * resource manager, queue, paths) are not here: they go in the rendered {@code job.properties}.
 *
 * @param every coordinator frequency, whole minutes; default 5m
 * @param retryMax retries of a failed action before the error path; default 2
 * @param retryInterval wait between retries, whole minutes; default 1m
 * @param timeout how long a materialised batch may wait to start before Oozie times it out; default {@code every}
 * @param slaShouldEnd SLA: a batch should end this long after its nominal time; default 2 x {@code every}
 * @param backfillParallelism backfill days running side by side on YARN; default 2
 * @param launcherMemoryMb memory of each action's YARN container; default 2048
 * @param javaOpts JVM options of each action (the batch GC settings come before them and the JDK module
 *     opens after); default {@code -Xms1536m -Xmx1536m}
 */
public record OozieSpec(
    @JsonProperty("every") Duration every,
    @JsonProperty("retry-max") Integer retryMax,
    @JsonProperty("retry-interval") Duration retryInterval,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("sla-should-end") Duration slaShouldEnd,
    @JsonProperty("backfill-parallelism") Integer backfillParallelism,
    @JsonProperty("launcher-memory-mb") Integer launcherMemoryMb,
    @JsonProperty("java-opts") String javaOpts) {

  public static final OozieSpec DEFAULTS = new OozieSpec(null, null, null, null, null, null, null, null);

  public OozieSpec {
    every = every == null ? Duration.ofMinutes(5) : every;
    retryMax = retryMax == null ? 2 : retryMax;
    retryInterval = retryInterval == null ? Duration.ofMinutes(1) : retryInterval;
    timeout = timeout == null ? every : timeout;
    slaShouldEnd = slaShouldEnd == null ? every.multipliedBy(2) : slaShouldEnd;
    backfillParallelism = backfillParallelism == null ? 2 : backfillParallelism;
    launcherMemoryMb = launcherMemoryMb == null ? 2048 : launcherMemoryMb;
    javaOpts = javaOpts == null ? "-Xms1536m -Xmx1536m" : javaOpts;
  }
}
