package io.sluice.upserts.write;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.client.clustering.run.strategy.JavaSortAndSizeExecutionStrategy;
import org.apache.hudi.common.engine.HoodieEngineContext;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieFileGroupId;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.RewriteAvroPayload;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.exception.HoodieClusteringException;
import org.apache.hudi.table.HoodieTable;

/**
 * Hudi's Java sort-and-size clustering, fixed for file slices with log files. Hudi 0.15.0 merges such
 * a slice into records whose payloads were serialised with the meta-field schema, then its bulk insert
 * decodes them with the table schema: "Malformed data", or silently wrong values. Each merged record
 * is decoded once here with the schema it was written in and handed on as a {@link RewriteAvroPayload},
 * as Hudi already does for slices without logs.
 */
public class MergedSliceClusteringStrategy<T> extends JavaSortAndSizeExecutionStrategy<T> {

  public MergedSliceClusteringStrategy(HoodieTable table, HoodieEngineContext engineContext,
                                       HoodieWriteConfig writeConfig) {
    super(table, engineContext, writeConfig);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public List<WriteStatus> performClusteringWithRecordList(List<HoodieRecord<T>> inputRecords, int numOutputGroups,
      String instantTime, Map<String, String> strategyParams, Schema schema, List<HoodieFileGroupId> fileGroupIdList,
      boolean preserveHoodieMetadata) {
    List<HoodieRecord<T>> decoded = new ArrayList<>(inputRecords.size());
    for (HoodieRecord<T> r : inputRecords) {
      if (!(r instanceof HoodieAvroRecord<?> avro) || avro.getData() instanceof RewriteAvroPayload) {
        decoded.add(r);
        continue;
      }
      try {
        Option<IndexedRecord> value = avro.getData().getInsertValue(schema, getWriteConfig().getProps());
        if (value.isPresent()) {   // an empty value is a delete: the record is gone
          decoded.add((HoodieRecord) new HoodieAvroRecord<>(r.getKey(), new RewriteAvroPayload((GenericRecord) value.get()),
              r.getOperation()));
        }
      } catch (IOException e) {
        throw new HoodieClusteringException("cannot decode record " + r.getRecordKey() + " for clustering", e);
      }
    }
    return super.performClusteringWithRecordList(decoded, numOutputGroups, instantTime, strategyParams, schema,
        fileGroupIdList, preserveHoodieMetadata);
  }
}
