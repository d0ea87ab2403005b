package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.hudi.common.config.HoodieStorageConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.junit.jupiter.api.Test;

/** Sized write configs: rounded up to whole hundreds of keys, built once per config and size. */
class SizedBloomFilterConfigsTest {
  private static HoodieWriteConfig config(String path) {
    Properties p = new Properties();
    p.setProperty(HoodieStorageConfig.BLOOM_FILTER_NUM_ENTRIES_VALUE.key(), "10000");
    return HoodieWriteConfig.newBuilder().withPath(path).withProperties(p).build(false);
  }

  private static int entries(HoodieWriteConfig c) {
    return c.getIntOrDefault(HoodieStorageConfig.BLOOM_FILTER_NUM_ENTRIES_VALUE);
  }

  @Test
  void roundsUpToHundredsAndReusesEachSizedConfig() {
    HoodieWriteConfig base = config("/tmp/sized-a");
    HoodieWriteConfig few = SizedBloomFilters.forRecords(base, 3);
    assertThat(entries(few)).isEqualTo(SizedBloomFilters.MIN_ENTRIES);
    assertThat(SizedBloomFilters.forRecords(base, 67)).isSameAs(few);
    assertThat(entries(SizedBloomFilters.forRecords(base, 101))).isEqualTo(200);
    assertThat(entries(SizedBloomFilters.forRecords(base, 9_901))).isEqualTo(10_000);
    assertThat(SizedBloomFilters.forRecords(base, 9_901)).isSameAs(base);
    assertThat(SizedBloomFilters.forRecords(base, Integer.MAX_VALUE)).isSameAs(base);
    assertThat(few.getBasePath()).isEqualTo(base.getBasePath());
    assertThat(entries(base)).isEqualTo(10_000);
  }

  @Test
  void eachConfigGetsItsOwnSizedConfigs() {
    HoodieWriteConfig a = config("/tmp/sized-a");
    HoodieWriteConfig b = config("/tmp/sized-b");
    assertThat(SizedBloomFilters.forRecords(b, 50).getBasePath()).isEqualTo("/tmp/sized-b");
    assertThat(SizedBloomFilters.forRecords(a, 50)).isNotSameAs(SizedBloomFilters.forRecords(b, 50));
  }
}
