package io.sluice.upserts.write;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Locale;
import org.apache.hudi.common.bloom.BloomFilter;
import org.apache.hudi.common.bloom.BloomFilterTypeCode;
import org.apache.hudi.common.bloom.HashFunction;
import org.apache.hudi.common.bloom.Key;
import org.apache.hudi.common.util.Base64CodecUtil;
import org.apache.hudi.common.util.hash.Hash;
import org.apache.hudi.exception.HoodieIndexException;

/**
 * A Hudi bloom filter (simple or dynamic) read from a base file's footer for key lookups only: it answers
 * {@link #mightContain} exactly as Hudi's filter read from the same text does, and cannot be added to.
 * Hudi sets a read filter's bits one call at a time (~1.4M calls for a 100K-key file) and hashes a key
 * once per row of a dynamic filter; this reads each row's bits as one array and hashes a key once.
 */
public final class LookupBloomFilter implements BloomFilter {
  /** {@code InternalFilter}'s version marker; a positive first int is the older, unversioned header. */
  private static final int VERSION = -1;

  private final String serialized;
  private final BloomFilterTypeCode type;
  private final Row[] rows;

  private LookupBloomFilter(String serialized, BloomFilterTypeCode type, Row[] rows) {
    this.serialized = serialized;
    this.type = type;
    this.rows = rows;
  }

  /** One bit vector with the hash functions it was built with. */
  private record Row(Header header, HashFunction hash, BitSet bits) {
    static Row read(DataInputStream in) throws IOException {
      Header h = Header.read(in);
      return new Row(h, new HashFunction(h.vectorSize(), h.nbHash(), h.hashType()), h.bits(in));
    }
  }

  /** Reads the filter Hudi serialised as {@code serialized} with the footer's type code (SIMPLE or DYNAMIC_V0). */
  public static LookupBloomFilter fromString(String serialized, String typeCode) {
    BloomFilterTypeCode type;
    try {
      type = BloomFilterTypeCode.valueOf(typeCode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Bloom Filter type code not recognizable " + typeCode, e);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Base64CodecUtil.decode(serialized)))) {
      if (type == BloomFilterTypeCode.SIMPLE) {
        return new LookupBloomFilter(serialized, type, new Row[] {Row.read(in)});
      }
      Header.read(in);   // the dynamic filter's own settings, which each row repeats
      in.readInt();      // entries per row
      in.readInt();      // entries in the last row
      Row[] rows = new Row[in.readInt()];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = Row.read(in);
      }
      return new LookupBloomFilter(serialized, type, rows);
    } catch (IOException e) {
      throw new HoodieIndexException("Could not deserialize BloomFilter from string", e);
    }
  }

  /** The header every Hudi filter and each row of a dynamic one starts with. */
  private record Header(int nbHash, int hashType, int vectorSize) {
    static Header read(DataInputStream in) throws IOException {
      int ver = in.readInt();
      if (ver > 0) {
        return new Header(ver, Hash.JENKINS_HASH, in.readInt());
      }
      if (ver != VERSION) {
        throw new IOException("Unsupported version: " + ver);
      }
      int nbHash = in.readInt();
      int hashType = in.readByte();
      return new Header(nbHash, hashType, in.readInt());
    }

    /** The row's bit vector: bit i is bit {@code i % 8} of byte {@code i / 8}, BitSet's own byte order. */
    BitSet bits(DataInputStream in) throws IOException {
      byte[] bytes = new byte[(int) (((long) vectorSize + 7) / 8)];
      in.readFully(bytes);
      return BitSet.valueOf(bytes);
    }
  }

  @Override
  public boolean mightContain(String key) {
    Key k = new Key(key.getBytes(StandardCharsets.UTF_8));
    int[] positions = null;
    Header hashedFor = null;
    for (Row row : rows) {
      // Rows built alike hash alike: the key is hashed once, not once per row as Hudi does.
      if (!row.header().equals(hashedFor)) {
        positions = row.hash().hash(k);
        hashedFor = row.header();
      }
      boolean all = true;
      for (int p : positions) {
        if (!row.bits().get(p)) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void add(String key) {
    throw new UnsupportedOperationException("a lookup bloom filter is read-only");
  }

  @Override
  public void add(byte[] keyBytes) {
    throw new UnsupportedOperationException("a lookup bloom filter is read-only");
  }

  @Override
  public String serializeToString() {
    return serialized;
  }

  @Override
  public BloomFilterTypeCode getBloomFilterTypeCode() {
    return type;
  }
}
