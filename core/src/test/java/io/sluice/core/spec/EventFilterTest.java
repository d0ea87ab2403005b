package io.sluice.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** A memoized filter gives every event the verdict the filter itself gives, with or without room to remember. */
class EventFilterTest {

  @Test
  void memoizedVerdictsEqualTheFiltersOwn() {
    Random rnd = new Random(17);
    String[] kinds = {"order", "view", "click", null};
    for (String text : new String[] {"kind == 'order'", "kind == 'order' && amount > 50", "amount == null || amount < 10",
        "country != 'DE' && kind == 'view'"}) {
      EventFilter filter = EventFilter.compile(text);
      Predicate<Map<String, Object>> roomy = filter.memoized(4096);
      Predicate<Map<String, Object>> tight = filter.memoized(3);
      int passed = 0;
      for (int i = 0; i < 5_000; i++) {
        Map<String, Object> e = new HashMap<>();
        e.put("kind", kinds[rnd.nextInt(kinds.length)]);
        e.put("country", rnd.nextBoolean() ? "DE" : "FR");
        e.put("amount", rnd.nextInt(10) == 0 ? null : Math.round(rnd.nextDouble() * 10_000) / 100.0);
        boolean expected = filter.test(e);
        assertThat(roomy.test(e)).as("%s on %s", text, e).isEqualTo(expected);
        assertThat(tight.test(e)).as("%s on %s (3 remembered)", text, e).isEqualTo(expected);
        passed += expected ? 1 : 0;
      }
      // the filter really splits the events, so a constant answer would fail above
      assertThat(passed).as(text).isBetween(1, 4_999);
    }
  }
}
