package io.sluice.checks.records;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.returntypes.DiVector;
import com.amazon.randomcutforest.state.RandomCutForestMapper;
import com.amazon.randomcutforest.state.RandomCutForestState;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.core.spec.ChecksSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A random cut forest over {@link RecordFeatures}: scores records in [0, 1] and learns from them
 * online. Scores follow the isolation-forest convention {@code 2^(-1/raw)}: about 0.5 for a typical
 * record, towards 1 for one the trees isolate at once. Not thread-safe; deterministic for a given
 * seed and update order, which is what makes reruns reproduce the same model.
 */
public final class RecordModel {
  static final ObjectMapper JSON = JsonMapper.builder().enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

  /** How the model came to be. */
  public enum Origin { ONLINE, RETRAIN }

  private final RecordFeatures features;
  private final RandomCutForest forest;
  private final String seenInstant;
  private final Origin origin;

  private RecordModel(RecordFeatures features, RandomCutForest forest, String seenInstant, Origin origin) {
    this.features = features;
    this.forest = forest;
    this.seenInstant = seenInstant;
    this.origin = origin;
  }

  /** Seed of new forests; loaded ones derive theirs from it and their update count. */
  static final long SEED = 0x5EED5L;

  /** An empty forest over {@code features}; {@code seed} 0 means the default seed. */
  public static RecordModel fresh(RecordFeatures features, ChecksSpec.Records cfg, long seed, Origin origin) {
    seed = seed == 0 ? SEED : seed;
    RandomCutForest f = RandomCutForest.builder().dimensions(features.dimensions()).numberOfTrees(cfg.trees())
        .sampleSize(cfg.sampleSize()).randomSeed(seed).parallelExecutionEnabled(false).build();
    return new RecordModel(features, f, null, origin);
  }

  public RecordFeatures features() {
    return features;
  }

  /** The events instant whose records this model has learnt through; null before the first update. */
  public String seenInstant() {
    return seenInstant;
  }

  public Origin origin() {
    return origin;
  }

  /** Records learnt so far. */
  public long updates() {
    return forest.getTotalUpdates();
  }

  /** Whether the forest holds enough points to score; before that every score is 0. */
  public boolean ready() {
    return forest.isOutputReady();
  }

  /** The score of {@code v} in [0, 1]. */
  public double score(double[] v) {
    return normalize(forest.getAnomalyScore(v));
  }

  static double normalize(double raw) {
    return raw <= 0 ? 0 : Math.pow(2, -1 / raw);
  }

  /** Each dimension's share in isolating {@code v} (both directions summed). */
  public double[] attribution(double[] v) {
    DiVector d = forest.getAnomalyAttribution(v);
    double[] a = new double[d.getDimensions()];
    for (int i = 0; i < a.length; i++) {
      a[i] = d.high[i] + d.low[i];
    }
    return a;
  }

  public void update(double[] v) {
    forest.update(v);
  }

  /** This model, marked as having learnt through {@code instant}. */
  public RecordModel seenThrough(String instant) {
    return new RecordModel(features, forest, instant, origin);
  }

  /** As the online successor of a retrained model, which it becomes once it learns more. */
  public RecordModel asOnline() {
    return new RecordModel(features, forest, seenInstant, Origin.ONLINE);
  }

  /** Stored form: everything that decides future scores, and nothing else (no clocks). */
  record Stored(@JsonProperty("format") int format, @JsonProperty("seen_instant") String seenInstant,
                @JsonProperty("origin") Origin origin, @JsonProperty("features") RecordFeatures features,
                @JsonProperty("forest") RandomCutForestState forest) {}

  private static RandomCutForestMapper mapper() {
    RandomCutForestMapper m = new RandomCutForestMapper();
    m.setSaveExecutorContextEnabled(true);
    m.setSaveTreeStateEnabled(true);
    return m;
  }

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(new Stored(1, seenInstant, origin, features, mapper().toState(forest)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the record model", e);
    }
  }

  public void write(OutputStream out) throws IOException {
    out.write(toBytes());
  }

  /**
   * Reads a stored model. Its future updates draw randomness from a seed derived from the records it
   * has learnt, not from instants or clocks, so equal histories give equal models in any pipeline.
   */
  public static RecordModel read(InputStream in) throws IOException {
    Stored s = JSON.readValue(in, Stored.class);
    if (s.format() != 1) {
      throw new IOException("unknown record model format " + s.format());
    }
    long seed = SEED ^ s.forest().getTotalUpdates() * 0x9E3779B97F4A7C15L;
    return new RecordModel(s.features(), mapper().toModel(s.forest(), seed), s.seenInstant(), s.origin());
  }

  /**
   * SHA-256 of the features and forest, i.e. of everything that decides future scores and updates
   * (not the instant or origin labels): equal fingerprints mean equal models.
   */
  public String fingerprint() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(JSON.writeValueAsBytes(features));
      d.update(JSON.writeValueAsBytes(mapper().toState(forest)));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RecordModel[" + origin + ", seen " + seenInstant + ", " + updates() + " updates, "
        + features.dimensions() + " features]";
  }
}
