package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.ConnectorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stuck sources hold at most their host's share of the collection slots, never all threads. */
class CollectionSlotsTest {

  private static ConnectorConfig instance(String id, String url) {
    return new ConnectorConfig(id, url == null ? "file" : "mlflow", url == null ? null : URI.create(url), null,
        "0 0 * * * ?", Duration.ofHours(1), Duration.ofDays(1), true, null, Map.of(), Path.of(id + ".yaml"));
  }

  @Test
  void oneHostTakesAtMostItsShareAndTheRestStillFindSlots() {
    CollectionSlots slots = new CollectionSlots(4, 2);
    // three instances on one stuck host: the third finds no slot (and gives its thread back)
    CollectionSlots.Slot a = slots.tryAcquire(instance("a", "https://slow.example.com"));
    CollectionSlots.Slot b = slots.tryAcquire(instance("b", "https://SLOW.example.com/other"));
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(slots.tryAcquire(instance("c", "https://slow.example.com"))).isNull();
    // other sources still collect
    CollectionSlots.Slot d = slots.tryAcquire(instance("d", "https://fast.example.com"));
    CollectionSlots.Slot e = slots.tryAcquire(instance("e", null));
    assertThat(d).isNotNull();
    assertThat(e).isNotNull();
    // the total bound holds (4): nothing more until one ends
    assertThat(slots.tryAcquire(instance("f", "https://third.example.com"))).isNull();
    d.close();
    assertThat(slots.tryAcquire(instance("f", "https://third.example.com"))).isNotNull();
    a.close();
    b.close();
    assertThat(slots.tryAcquire(instance("c", "https://slow.example.com"))).as("freed slots are used again").isNotNull();
  }
}
