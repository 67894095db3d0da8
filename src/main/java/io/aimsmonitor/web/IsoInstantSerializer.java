package io.aimsmonitor.web;

import java.time.Instant;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.ext.javatime.ser.InstantSerializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Writes an {@link Instant} of the API's JSON as {@link Instant#toString()} does (ISO-8601 in UTC,
 * {@code 2026-11-01T00:01:00Z}, the fraction in groups of three digits and only when there is one),
 * the text Jackson's own serializer writes, without going through {@code DateTimeFormatter}: a page
 * of findings carries about three hundred instants, and formatting them was the largest single cost
 * of the web layer under issue #14's findings API load (JFR). Instants before 1970 or after 9999, and
 * a mapper set to write dates as numbers, are handed to Jackson's serializer, unchanged. The one
 * thing it does not read is a {@code @JsonFormat} on an {@code Instant} property; the service has none.
 */
final class IsoInstantSerializer extends StdSerializer<Instant> {

  /** 9999-12-31T23:59:59Z + 1 s: the end of four-digit years. */
  private static final long END_OF_YEAR_9999 = 253_402_300_800L;

  IsoInstantSerializer() {
    super(Instant.class);
  }

  /** The module that replaces Jackson's {@code Instant} serializer in the service's JSON mapper. */
  static SimpleModule module() {
    return new SimpleModule("aims-iso-instant").addSerializer(Instant.class, new IsoInstantSerializer());
  }

  @Override
  public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
    long seconds = value.getEpochSecond();
    if (seconds < 0 || seconds >= END_OF_YEAR_9999 || ctxt.isEnabled(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)) {
      InstantSerializer.INSTANCE.serialize(value, gen, ctxt);
      return;
    }
    char[] out = new char[30];
    gen.writeString(out, 0, format(seconds, value.getNano(), out));
  }

  /** Writes the instant into {@code out} (30 chars at least); the number of chars written. */
  static int format(long epochSecond, int nano, char[] out) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    // days since 1970-01-01 to year, month, day: H. Hinnant's civil_from_days, for days >= 0
    long z = days + 719_468L;
    long era = z / 146_097L;
    long dayOfEra = z - era * 146_097L;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    int i = digits(year, 4, out, 0);
    out[i++] = '-';
    i = digits(month, 2, out, i);
    out[i++] = '-';
    i = digits(day, 2, out, i);
    out[i++] = 'T';
    i = digits(secondOfDay / 3600, 2, out, i);
    out[i++] = ':';
    i = digits(secondOfDay / 60 % 60, 2, out, i);
    out[i++] = ':';
    i = digits(secondOfDay % 60, 2, out, i);
    if (nano > 0) {
      out[i++] = '.';
      if (nano % 1_000_000 == 0) {
        i = digits(nano / 1_000_000, 3, out, i);
      } else if (nano % 1_000 == 0) {
        i = digits(nano / 1_000, 6, out, i);
      } else {
        i = digits(nano, 9, out, i);
      }
    }
    out[i++] = 'Z';
    return i;
  }

  private static int digits(int value, int width, char[] out, int at) {
    for (int k = at + width - 1; k >= at; k--) {
      out[k] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
