package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.apache.hudi.common.bloom.BloomFilter;
import org.apache.hudi.common.bloom.BloomFilterFactory;
import org.apache.hudi.common.bloom.BloomFilterTypeCode;
import org.apache.hudi.common.bloom.SimpleBloomFilter;
import org.apache.hudi.common.util.Base64CodecUtil;
import org.apache.hudi.common.util.hash.Hash;
import org.junit.jupiter.api.Test;

/** The lookup filter answers every key as Hudi's filter read from the same text does. */
class LookupBloomFilterTest {

  @Test
  void answersAsHudisSimpleFilter() {
    BloomFilter written = BloomFilterFactory.createBloomFilter(3_000, 1e-3, 3_000, BloomFilterTypeCode.SIMPLE.name());
    sameAnswers(written, BloomFilterTypeCode.SIMPLE.name());
  }

  @Test
  void answersAsHudisDynamicFilterOverEveryRow() {
    // 1,000 entries per row and 5,000 keys: five rows, each holding other keys
    BloomFilter written = BloomFilterFactory.createBloomFilter(1_000, 1e-3, 10_000,
        BloomFilterTypeCode.DYNAMIC_V0.name());
    sameAnswers(written, BloomFilterTypeCode.DYNAMIC_V0.name());
  }

  @Test
  void readsTheUnversionedHeaderWithJenkinsHashes() {
    SimpleBloomFilter jenkins = new SimpleBloomFilter(3_000, 1e-3, Hash.JENKINS_HASH);
    add(jenkins);
    // Versioned header: int -1, int hashes, byte hash type, int bits. The old one: int hashes, int bits.
    ByteBuffer v = ByteBuffer.wrap(Base64CodecUtil.decode(jenkins.serializeToString()));
    assertThat(v.getInt()).isEqualTo(-1);
    int hashes = v.getInt();
    assertThat(v.get()).isEqualTo((byte) Hash.JENKINS_HASH);
    ByteBuffer old = ByteBuffer.allocate(v.remaining() + 4).putInt(hashes).put(v);
    String text = Base64CodecUtil.encode(old.array());

    BloomFilter hudi = new SimpleBloomFilter(text);
    LookupBloomFilter ours = LookupBloomFilter.fromString(text, "simple");
    assertThat(falsePositives(hudi, ours)).isPositive();
  }

  @Test
  void isReadOnlyAndRejectsUnknownTypes() {
    BloomFilter written = BloomFilterFactory.createBloomFilter(100, 1e-3, 100, BloomFilterTypeCode.SIMPLE.name());
    LookupBloomFilter ours = LookupBloomFilter.fromString(written.serializeToString(), "SIMPLE");
    assertThat(ours.serializeToString()).isEqualTo(written.serializeToString());
    assertThatThrownBy(() -> ours.add("k")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> LookupBloomFilter.fromString(written.serializeToString(), "DYNAMIC_V9"))
        .hasMessageContaining("DYNAMIC_V9");
  }

  private static void sameAnswers(BloomFilter written, String typeCode) {
    add(written);
    String text = written.serializeToString();
    BloomFilter hudi = BloomFilterFactory.fromString(text, typeCode);
    LookupBloomFilter ours = LookupBloomFilter.fromString(text, typeCode);
    assertThat(ours.getBloomFilterTypeCode()).isEqualTo(hudi.getBloomFilterTypeCode());
    // The false positives are where a wrong bit or row would show first.
    assertThat(falsePositives(hudi, ours)).isPositive();
  }

  private static void add(BloomFilter f) {
    for (int i = 0; i < 5_000; i++) {
      f.add("key-" + i);
    }
  }

  /** Asserts both filters answer alike for stored and random keys; returns the false positives. */
  private static int falsePositives(BloomFilter hudi, BloomFilter ours) {
    for (int i = 0; i < 5_000; i++) {
      assertThat(ours.mightContain("key-" + i)).as("stored key-%d", i).isTrue();
    }
    SplittableRandom rnd = new SplittableRandom(11);
    int falsePositives = 0;
    for (int i = 0; i < 200_000; i++) {
      String k = Long.toHexString(rnd.nextLong());
      boolean expected = hudi.mightContain(k);
      assertThat(ours.mightContain(k)).as("key %s", k).isEqualTo(expected);
      falsePositives += expected ? 1 : 0;
    }
    return falsePositives;
  }
}
