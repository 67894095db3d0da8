package io.aimsmonitor.fact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares the values that repeat across facts (source names, model names and versions, owners, tag
 * keys and values, stages, statuses, experiments, dataset names, repositories): one {@code String}
 * per distinct value instead of one per fact that names it. The facts of a snapshot live as long
 * as the evaluation sessions that hold them, and connectors and the store parse every value into a
 * string of its own, so a value named by every version of a model was held once per version
 * (docs/benchmarks.md, "Bounded memory: only the facts the alpha constraints accept").
 *
 * <p>By {@link String#intern()}: the JVM's table holds its strings weakly (a value no fact names
 * any more is collected) and lives outside the heap, so no cache here has to be sized or emptied.
 * Only values expected to repeat are shared; identifiers (run ids, commits, URLs) would only fill
 * the table.
 */
public final class Strings {

  private Strings() {}

  /** The shared string equal to {@code value}, or null. */
  public static String share(String value) {
    return value == null ? null : value.intern();
  }

  /**
   * The list with its elements shared (null stays null: the caller's default applies). A list whose
   * elements are all shared already is returned as it is, so that a fact copied with another
   * observation time ({@code withOrigin}) keeps its collections, and comparing it with the original
   * stays a reference comparison per component.
   */
  public static List<String> share(List<String> values) {
    if (values == null) {
      return null;
    }
    List<String> shared = null;
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      String s = v == null ? null : v.intern();
      if (s != v && shared == null) {
        shared = new ArrayList<>(values.subList(0, i));
      }
      if (shared != null) {
        shared.add(s);
      }
    }
    return shared == null ? values : shared;
  }

  /**
   * The map with its keys shared, and its values when they are strings (for {@code Map.copyOf}); a
   * map whose keys and values are all shared already is returned as it is (see {@link #share(List)}).
   */
  public static <V> Map<String, V> shareKeys(Map<String, V> map, boolean values) {
    if (map == null || map.isEmpty() || allShared(map, values)) {
      return map;
    }
    Map<String, V> shared = new HashMap<>(map.size() * 2);
    map.forEach((k, v) -> shared.put(k == null ? null : k.intern(),
        values && v instanceof String s ? cast(s.intern()) : v));
    return shared;
  }

  private static boolean allShared(Map<String, ?> map, boolean values) {
    for (Map.Entry<String, ?> e : map.entrySet()) {
      String k = e.getKey();
      if (k != null && k.intern() != k) {
        return false;
      }
      if (values && e.getValue() instanceof String v && v.intern() != v) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private static <V> V cast(String s) {
    return (V) s;
  }
}
