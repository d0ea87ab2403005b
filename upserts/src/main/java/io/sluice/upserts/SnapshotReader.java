package io.sluice.upserts;

import io.sluice.core.SluiceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.fs.FSUtils;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.common.util.collection.Pair;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.io.HoodieMergedReadHandle;
import org.apache.hudi.table.HoodieJavaTable;
import org.apache.hudi.table.HoodieTable;

/**
 * Reads the latest committed snapshot of a {@link HudiTable}, COW or MOR (base files merged with
 * their logs), optionally limited to some partitions. Records carry Hudi's meta columns.
 */
public final class SnapshotReader {
  private final HudiTable table;
  private final Schema schema;

  public SnapshotReader(HudiTable table, Schema schema) {
    this.table = table;
    this.schema = schema;
  }

  /** Relative partition paths of the table, e.g. {@code dt=2024-05-01}. */
  public List<String> partitions() {
    if (!table.exists()) {
      return List.of();
    }
    HoodieTableMetaClient mc = table.metaClient();
    return FSUtils.getAllPartitionPaths(new HoodieJavaEngineContext(mc.getStorageConf()), mc.getStorage(),
        table.layout().basePath(), false, false);
  }

  /** Every live record of the given partitions; all partitions when {@code partitions} is null. */
  public List<GenericRecord> read(Collection<String> partitions) {
    List<GenericRecord> out = new ArrayList<>();
    if (!table.exists()) {
      return out;
    }
    HoodieTableMetaClient mc = table.metaClient();
    Option<HoodieInstant> last = mc.getCommitsTimeline().filterCompletedInstants().lastInstant();
    if (!last.isPresent()) {
      return out;
    }
    String instant = last.get().getTimestamp();
    HoodieWriteConfig cfg = table.writeConfig(schema);
    HoodieTable<?, ?, ?, ?> ht = HoodieJavaTable.create(cfg, new HoodieJavaEngineContext(mc.getStorageConf()), mc);
    Properties props = cfg.getProps();
    Collection<String> parts = partitions == null ? partitions() : partitions;
    Schema readSchema = org.apache.hudi.avro.HoodieAvroUtils.addMetadataFields(schema);
    for (String p : parts) {
      List<FileSlice> slices = ht.getSliceView().getLatestMergedFileSlicesBeforeOrOn(p, instant).toList();
      for (FileSlice slice : slices) {
        HoodieMergedReadHandle<?, ?, ?, ?> h = new HoodieMergedReadHandle<>(cfg, Option.of(instant), (HoodieTable) ht,
            Pair.of(p, slice.getFileId()), Option.of(slice));
        for (HoodieRecord<?> r : h.getMergedRecords()) {
          try {
            r.toIndexedRecord(readSchema, props).ifPresent(ir -> out.add((GenericRecord) ir.getData()));
          } catch (IOException e) {
            throw new SluiceException("cannot read record " + r.getRecordKey() + " of " + table.layout().name(), e);
          }
        }
      }
    }
    return out;
  }
}
