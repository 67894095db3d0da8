package io.aimsmonitor.fact;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Facts of every type built by reflection over their record components, so that a test covers a
 * component added later without being told: {@link #of} gives each component a value picked by a
 * seed (every string a new object, so equal values are never the same reference), {@link #varied}
 * the same fact with one component given another seed's value.
 */
public final class FactSamples {

  private FactSamples() {}

  /** Every fact type. */
  public static List<Class<?>> types() {
    return Arrays.asList(Fact.class.getPermittedSubclasses());
  }

  /** A fact of {@code type} with every component the value of {@code seed}. */
  public static Fact of(Class<?> type, int seed) {
    return (Fact) build(type, seed, null, 0);
  }

  /** {@link #of of(type, 1)} with the component {@code component} the value of {@code seed}. */
  public static Fact varied(Class<?> type, String component, int seed) {
    return (Fact) build(type, 1, component, seed);
  }

  /** The names of {@code type}'s record components. */
  public static List<String> components(Class<?> type) {
    return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
  }

  private static Object build(Class<?> type, int seed, String component, int componentSeed) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      args[i] = value(components[i].getGenericType(),
          components[i].getName().equals(component) ? componentSeed : seed);
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      return canonical.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + ": " + e, e);
    }
  }

  /** A value of {@code type}, distinct per seed, new objects each call. */
  private static Object value(Type type, int seed) {
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw == String.class) {
      return new String("v" + seed); // a new object: equal values are compared by content
    }
    if (raw == Instant.class) {
      return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seed);
    }
    if (raw == Duration.class) {
      return Duration.ofMinutes(seed);
    }
    if (raw == boolean.class) {
      return seed % 2 == 1;
    }
    if (raw == int.class) {
      return seed;
    }
    if (raw == Double.class || raw == double.class) {
      return (double) seed;
    }
    if (raw == List.class) {
      List<Object> list = new ArrayList<>();
      list.add(value(((ParameterizedType) type).getActualTypeArguments()[0], seed));
      return list;
    }
    if (raw == Map.class) {
      Type[] kv = ((ParameterizedType) type).getActualTypeArguments();
      return new java.util.HashMap<>(Map.of(value(kv[0], seed), value(kv[1], seed)));
    }
    if (raw.isRecord()) {
      return build(raw, seed, null, 0);
    }
    throw new IllegalArgumentException("no sample value for " + type + ": add one here");
  }
}
