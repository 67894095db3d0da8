package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

class IsoInstantSerializerTest {

  private static final JsonMapper JACKSON = JsonMapper.builder().build();
  private static final JsonMapper OURS = JsonMapper.builder().addModule(IsoInstantSerializer.module()).build();

  @Test
  void writesWhatJacksonWritesForEveryKindOfInstant() {
    List<Instant> edges = List.of(Instant.EPOCH, Instant.parse("1970-01-01T00:00:00.000000001Z"),
        Instant.parse("2000-02-29T23:59:59.999Z"), Instant.parse("2026-11-01T00:01:00Z"),
        Instant.parse("2026-12-31T12:00:00.123456Z"), Instant.parse("2100-03-01T00:00:00.100Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("1969-12-31T23:59:59.5Z"), Instant.parse("0001-01-01T00:00:00Z"), Instant.MIN, Instant.MAX);
    for (Instant t : edges) {
      assertThat(OURS.writeValueAsString(t)).as(t.toString()).isEqualTo(JACKSON.writeValueAsString(t));
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      long second = random.nextLong(0, 253_402_300_800L);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant t = Instant.ofEpochSecond(second, nano);
      assertThat(OURS.writeValueAsString(t)).as(t.toString()).isEqualTo("\"" + t + "\"");
    }
  }

  @Test
  void aMapperThatWritesDatesAsNumbersStillDoes() {
    Instant t = Instant.parse("2026-11-01T00:01:00.5Z");
    JsonMapper numbers = OURS.rebuild().enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    assertThat(numbers.writeValueAsString(t))
        .isEqualTo(JACKSON.rebuild().enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS).build().writeValueAsString(t));
  }
}
