package io.sluice.checks.records;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.checks.CheckResultsTable;
import io.sluice.checks.ChecksStage;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.EventSchemas;
import io.sluice.core.spec.PipelineSpec;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily batch retrain: a fresh forest learns a sample of the last N days of events and replaces
 * the online model only if it is at least as good on a held-out slice. With no labels, "good" is the
 * AUC of telling held-out records from corrupted copies of them (a numeric field pushed 1000x out of
 * range, or a field's presence flipped), both models judged on the same records.
 */
public final class RecordRetrain {
  private static final Logger LOG = LoggerFactory.getLogger(RecordRetrain.class);
  /** Share of the sample held out for the comparison. */
  static final double HOLD_OUT = 0.2;

  /**
   * @param version the events instant the models are filed under (the last one the checks consumed)
   * @param replaced whether the retrained model replaced the online one
   * @param sampled records the retrain read (after sampling)
   * @param heldOut records held out for the comparison
   * @param onlineAuc the online model's AUC on the held-out slice, NaN when there was none
   * @param retrainedAuc the retrained model's AUC
   * @param fingerprint the fingerprint of the model now in force
   */
  public record Outcome(@JsonProperty("version") String version, @JsonProperty("replaced") boolean replaced,
                        @JsonProperty("sampled") int sampled, @JsonProperty("held_out") int heldOut,
                        @JsonProperty("online_auc") double onlineAuc, @JsonProperty("retrained_auc") double retrainedAuc,
                        @JsonProperty("fingerprint") String fingerprint) {}

  private final PipelineSpec spec;
  private final Configuration conf;
  private final Clock clock;

  public RecordRetrain(PipelineSpec spec, Configuration conf, Clock clock) {
    this.spec = spec;
    this.conf = conf;
    this.clock = clock;
  }

  public Outcome run() {
    ChecksSpec.Records cfg = spec.checks().records();
    String version = new CheckResultsTable(spec, conf).table().latestCommitMetadata(ChecksStage.EVENTS_INSTANT_KEY)
        .filter(s -> !s.isEmpty()).orElseThrow(() -> new SluiceException("pipeline " + spec.name()
            + " has no checks run yet; run `sluice checks` (or a batch) before retraining the record model"));
    LocalDate to = LocalDate.now(clock);
    RecordBatch all = RecordRange.read(spec, conf, to.minusDays(cfg.retrainDays() - 1L), to, cfg.retrainSample(),
        version.hashCode());
    if (all.size() < 2 * cfg.sampleSize()) {
      throw new SluiceException("only " + all.size() + " events in the last " + cfg.retrainDays() + " days of "
          + spec.name() + "; a retrain needs at least " + 2 * cfg.sampleSize());
    }
    // Hold out every fifth record by key order; learn the rest in event-time order, as they arrived.
    List<RecordBatch.Event> train = new ArrayList<>();
    List<RecordBatch.Event> held = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % Math.round(1 / HOLD_OUT) == 0 ? held : train).add(all.events().get(i));
    }
    Map<String, Long> counts = all.entityCounts();
    RecordModel fresh = train(train, counts, RecordBatch.columns(spec, EventSchemas.userSchema(spec)), cfg);
    RecordBatch heldBatch = new RecordBatch(held, cfg.entity(), counts);
    RecordModelStore store = new RecordModelStore(spec.checksStateDir(), conf);
    Optional<RecordModel> online = store.asOf(version);
    long seed = version.hashCode();
    double retrainedAuc = heldOutAuc(fresh, heldBatch, seed);
    double onlineAuc = online.map(m -> heldOutAuc(m, heldBatch, seed)).orElse(Double.NaN);
    boolean replace = online.isEmpty() || retrainedAuc >= onlineAuc;
    RecordModel inForce = replace ? fresh.seenThrough(version) : online.get();
    if (replace) {
      store.save(inForce);
    }
    LOG.info("{}: record model retrain on {} sampled events ({} held out): online AUC {}, retrained AUC {}; {}",
        spec.name(), all.size(), held.size(), onlineAuc, retrainedAuc,
        replace ? "the retrained model replaces the online one" : "the online model stays");
    return new Outcome(version, replace, all.size(), held.size(), onlineAuc, retrainedAuc, inForce.fingerprint());
  }

  /**
   * A fresh model fitted on {@code sample} and learning it in event-time order, as the records arrived;
   * {@code entityCounts} are per (entity, hour) over the data the sample came from.
   */
  public static RecordModel train(List<RecordBatch.Event> sample, Map<String, Long> entityCounts,
                                  RecordFeatures.Columns columns, ChecksSpec.Records cfg) {
    List<RecordBatch.Event> ordered = new ArrayList<>(sample);
    ordered.sort(Comparator.comparingLong(RecordBatch.Event::eventTime).thenComparing(RecordBatch.Event::key));
    RecordBatch batch = new RecordBatch(ordered, cfg.entity(), entityCounts);
    RecordModel fresh = RecordModel.fresh(batch.fit(columns), cfg, 0, RecordModel.Origin.RETRAIN);
    for (double[] x : batch.vectorsInOrder(ordered, fresh.features())) {
      fresh.update(x);
    }
    return fresh;
  }

  /**
   * AUC of scores of held-out records against corrupted copies of them; 0.5 is chance, 1 perfect.
   * Scoring does not update the model.
   */
  public static double heldOutAuc(RecordModel m, RecordBatch held, long seed) {
    List<RecordBatch.Event> corrupted = corrupt(held.events(), m.features(), seed);
    RecordBatch bad = new RecordBatch(corrupted, m.features().entity(), held.entityCounts());
    double[] clean = held.scoreThenLearn(m, 0, 0).stream().mapToDouble(RecordBatch.Scored::score).toArray();
    double[] dirty = bad.scoreThenLearn(m, 0, 0).stream().mapToDouble(RecordBatch.Scored::score).toArray();
    double u = new MannWhitneyUTest().mannWhitneyU(dirty, clean);
    return u / ((double) clean.length * dirty.length);
  }

  /** Copies with one numeric field 1000x out of range, or its presence flipped. */
  static List<RecordBatch.Event> corrupt(List<RecordBatch.Event> events, RecordFeatures f, long seed) {
    List<String> numeric = f.numeric().stream().map(RecordFeatures.Numeric::column).toList();
    SplittableRandom rnd = new SplittableRandom(seed);
    List<RecordBatch.Event> out = new ArrayList<>();
    for (RecordBatch.Event e : events) {
      if (numeric.isEmpty()) {
        break;
      }
      Map<String, Object> v = new HashMap<>(e.values());
      RecordFeatures.Numeric c = f.numeric().get(rnd.nextInt(numeric.size()));
      double typical = Math.sinh(c.center());
      if (rnd.nextBoolean()) {
        v.put(c.column(), (typical == 0 ? 1 : typical) * 1000 * (1 + rnd.nextDouble()));
      } else {
        v.put(c.column(), v.get(c.column()) == null ? typical : null);
      }
      out.add(new RecordBatch.Event(e.key() + "#corrupt", e.eventTime(), v));
    }
    return out;
  }
}
