package io.sluice.bench;

import io.sluice.upserts.write.LookupBloomFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.apache.hudi.common.bloom.BloomFilter;
import org.apache.hudi.common.bloom.BloomFilterFactory;
import org.apache.hudi.common.bloom.BloomFilterTypeCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The bloom index's per-file work on its own: reading base files' bloom filters from their footer text and
 * testing incoming keys, with Hudi's filter and with Sluice's {@link LookupBloomFilter}, over the same
 * filters and keys in the same process. Both must answer every key alike.
 */
@Command(name = "bloom-lookup", mixinStandardHelpOptions = true,
    description = "Bloom filter reads and key probes: Hudi's filter vs Sluice's lookup filter")
public final class BloomLookupBench implements Callable<Integer> {
  @Option(names = "--files", description = "base files, one filter each (default: ${DEFAULT-VALUE}, a month of days)")
  int files = 30;

  @Option(names = "--keys", description = "keys stored per file (default: ${DEFAULT-VALUE})")
  int keys = 100_000;

  @Option(names = "--probes", description = "incoming keys tested, spread over the files (default: ${DEFAULT-VALUE})")
  int probes = 200_000;

  @Option(names = "--rounds", description = "measured rounds, after as many warm-up rounds (default: ${DEFAULT-VALUE})")
  int rounds = 5;

  @Mixin ResultsDir results = new ResultsDir();

  /** Median nanoseconds of reading every filter and of probing every key, and the answers of the last round. */
  private record Timed(long readNanos, long probeNanos, boolean[] answers) {}

  @Override
  public Integer call() throws Exception {
    if (files < 1 || keys < 1 || probes < 1 || rounds < 1) {
      throw new IllegalArgumentException("--files, --keys, --probes and --rounds must each be at least 1");
    }
    // Sluice's table settings (HudiTable): a dynamic filter of 10,000 keys per row at 1e-6, up to Hudi's 100,000.
    String type = BloomFilterTypeCode.DYNAMIC_V0.name();
    List<String> texts = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      BloomFilter w = BloomFilterFactory.createBloomFilter(10_000, 1e-6, 100_000, type);
      for (int k = 0; k < keys; k++) {
        w.add("f" + f + "-k" + k);
      }
      texts.add(w.serializeToString());
    }
    // Every fourth probe is a stored key (an update); the rest are new keys.
    String[] probe = new String[probes];
    for (int i = 0; i < probes; i++) {
      probe[i] = i % 4 == 0 ? "f" + (i % files) + "-k" + (i % keys) : "new-" + i;
    }
    BiFunction<String, String, BloomFilter> hudi = BloomFilterFactory::fromString;
    BiFunction<String, String, BloomFilter> sluice = LookupBloomFilter::fromString;
    Timed h = null;
    Timed s = null;
    long[][] times = new long[4][rounds];
    for (int r = -rounds; r < rounds; r++) {
      h = run(hudi, texts, type, probe);
      s = run(sluice, texts, type, probe);
      if (r >= 0) {
        times[0][r] = h.readNanos();
        times[1][r] = h.probeNanos();
        times[2][r] = s.readNanos();
        times[3][r] = s.probeNanos();
      }
    }
    if (!Arrays.equals(h.answers(), s.answers())) {
      throw new IllegalStateException("the lookup filter answered a key differently from Hudi's filter");
    }
    long hits = 0;
    for (boolean a : s.answers()) {
      hits += a ? 1 : 0;
    }
    double hudiRead = median(times[0]) / 1e6 / files;
    double hudiProbe = median(times[1]) / 1e6;
    double ourRead = median(times[2]) / 1e6 / files;
    double ourProbe = median(times[3]) / 1e6;
    String md = String.format("""
        # Bloom filter lookups

        Command: `bench/run bloom-lookup --files %d --keys %d --probes %d --rounds %d`

        %d filters of %,d keys each (dynamic, 10,000 keys per row at 1e-6), %,d keys probed (%,d answered "may contain").
        Median of %d rounds after %d warm-up rounds; both filters answered every key alike.

        | | Hudi's filter | Sluice's `LookupBloomFilter` | speed-up |
        |---|---|---|---|
        | read one filter from its footer text | %.2f ms | %.2f ms | %.1fx |
        | probe all keys | %.1f ms | %.1f ms | %.1fx |
        """, files, keys, probes, rounds, files, keys, probes, hits, rounds, rounds,
        hudiRead, ourRead, hudiRead / ourRead, hudiProbe, ourProbe, hudiProbe / ourProbe);
    results.appendCsv("bloom-lookup.csv", "run_at,files,keys,probes,hudi_read_ms_per_filter,sluice_read_ms_per_filter,"
        + "hudi_probe_ms,sluice_probe_ms,read_speedup,probe_speedup", List.of(String.format("%s,%d,%d,%d,%.3f,%.3f,%.1f,%.1f,%.2f,%.2f",
        Instant.now(), files, keys, probes, hudiRead, ourRead, hudiProbe, ourProbe, hudiRead / ourRead, hudiProbe / ourProbe)));
    results.writeMarkdown("bloom-lookup.md", md, false);
    System.out.println(md);
    return 0;
  }

  private Timed run(BiFunction<String, String, BloomFilter> reader, List<String> texts, String type, String[] probe) {
    long t = System.nanoTime();
    BloomFilter[] filters = new BloomFilter[texts.size()];
    for (int f = 0; f < filters.length; f++) {
      filters[f] = reader.apply(texts.get(f), type);
    }
    long read = System.nanoTime() - t;
    boolean[] answers = new boolean[probe.length];
    t = System.nanoTime();
    for (int i = 0; i < probe.length; i++) {
      answers[i] = filters[i % filters.length].mightContain(probe[i]);
    }
    return new Timed(read, System.nanoTime() - t, answers);
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }
}
