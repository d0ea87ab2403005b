package io.sluice.upserts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SizeTieredClusteringPlanStrategyTest {

  private static List<Long> tier(Long... sizes) {
    return SizeTieredClusteringPlanStrategy.smallestTier(List.of(sizes), Long::longValue);
  }

  @Test
  void leavesABigBaseFileOutOfAMergeOfSmallOnes() {
    assertThat(tier(4_400_000L, 60_000L, 61_000L, 59_000L)).containsExactly(59_000L, 60_000L, 61_000L);
  }

  @Test
  void takesASliceNoBiggerThanTheSmallerOnesTogether() {
    // 4 x 60 KB new slices absorb a 480 KB slice merged earlier, not a 500 KB one
    assertThat(tier(480_000L, 60_000L, 60_000L, 60_000L, 60_000L)).hasSize(5);
    assertThat(tier(500_000L, 60_000L, 60_000L, 60_000L, 60_000L)).hasSize(4);
    // and then the next tier up, once they reach it
    assertThat(tier(1_400_000L, 480_000L, 60_000L, 60_000L, 60_000L, 60_000L)).hasSize(6);
  }

  @Test
  void aLoneSmallSliceIsATierOfOne() {
    assertThat(tier(10L, 21L)).containsExactly(10L);
    assertThat(tier()).isEmpty();
  }
}
