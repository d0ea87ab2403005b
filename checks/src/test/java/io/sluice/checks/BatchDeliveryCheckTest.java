package io.sluice.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchDeliveryCheckTest {
  @Test
  void unknownFieldsDroppedUnderAllowUnknownFieldsAreStillReportedAsDrift() {
    BatchDeliveryCheck.Delivered d = new BatchDeliveryCheck.Delivered();
    d.add("{\"records_in\":600,\"good\":597,\"quarantined\":3,\"source_drift\":{\"ignored:colour\":400,\"new:size\":3}}");
    d.add("{\"records_in\":400,\"good\":400,\"quarantined\":0,\"source_drift\":{\"ignored:colour\":200}}");
    CheckContext ctx = new CheckContext(null, "run", 0);
    new BatchDeliveryCheck().drift(ctx, "events", d);
    assertThat(ctx.results()).filteredOn(r -> "colour".equals(r.column())).singleElement().satisfies(r -> {
      assertThat(r.check()).isEqualTo(BatchDeliveryCheck.DRIFT);
      assertThat(r.level()).isEqualTo(Severity.WARN);
      assertThat(r.observed()).isEqualTo(600.0);
      assertThat(r.message()).contains("'colour'").contains("600 records carried it").contains("allow-unknown-fields");
    });
    // three quarantined records with an unknown field are isolated bad records, not drift
    assertThat(ctx.results()).filteredOn(r -> "size".equals(r.column())).singleElement()
        .satisfies(r -> assertThat(r.level()).isEqualTo(Severity.OK));
  }
}
