package io.aimsmonitor.fact;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * One {@code String} object for the values facts repeat: sources, namespaces, stages, statuses,
 * owners, teams, model names, the commit a version, its training run and its CI run share. Each
 * fact read from JSON (a stored snapshot) otherwise holds its own copy of each, and the facts are
 * held for a long-lived session's life: at 300,000 facts Strings and their arrays were 193 MB of
 * the 942 MB live after a first evaluation (docs/benchmarks.md, "Bounded memory: one join per pack").
 *
 * <p>Not wired in yet: the hook is one line in {@link FactJson#MAPPER}'s builder,
 * {@code .addModule(Strings.jacksonModule())}, for the snapshot store's owner to decide, since it
 * adds a table look-up per string to every snapshot read. ScaleBench's evaluations do not pass
 * through it (SnapshotRepository caches the facts a run recorded, as given), so its saving there
 * is nil; facts read back from the store (after a restart) would share their repeated values.
 * Facts fresh from a connector would need the same at their construction (the connectors' own
 * JSON mappers, or the records' compact constructors).
 *
 * <p>A lossy cache, not an interner: a fixed table of recent values by hash, where a value
 * replaces whatever shared its slot. A value the estate repeats often is nearly always found; a
 * unique one (a run id) only passes through. No lock (a slot holds an immutable String, written
 * and read whole), no growth, nothing kept past {@value #SLOTS} entries, and a value the table lost
 * is still a correct, merely unshared, string. Long texts are not cached.
 */
public final class Strings {

  private static final int SLOTS = 1 << 15;
  /** Longer values (descriptions, model cards) are rarely repeated exactly and would pin memory here. */
  private static final int MAX_LENGTH = 128;

  private static final String[] TABLE = new String[SLOTS];

  private Strings() {}

  /** An equal string, the one seen before when the table still holds it; null for null. */
  public static String dedupe(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return value;
    }
    int h = value.hashCode();
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    String seen = TABLE[slot];
    if (seen != null && seen.equals(value)) {
      return seen;
    }
    TABLE[slot] = value;
    return value;
  }

  /**
   * Jackson reads every String value through {@link #dedupe} (fields, list elements, map values;
   * map keys are property names, which the parser already canonicalises):
   * {@code JsonMapper.builder().addModule(Strings.jacksonModule())}.
   */
  public static JacksonModule jacksonModule() {
    return new SimpleModule("aims-strings").addDeserializer(String.class, new StringDeserializer() {
      @Override
      public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
        return dedupe(super.deserialize(p, ctxt));
      }
    });
  }
}
