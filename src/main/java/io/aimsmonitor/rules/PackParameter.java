package io.aimsmonitor.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tunable value of a rule pack, declared in {@code pack.yaml} and reaching the DRL as a global
 * of the matching Java type:
 * <pre>
 * parameters:
 *   revalidationDays: {type: int, default: 180, description: Days after which a production model must be re-validated}
 * </pre>
 * and in the DRL {@code global Integer revalidationDays;}.
 */
public record PackParameter(String name, Type type, Object defaultValue, String description) {

  /**
   * The values in force: defaults of {@code declared}, overridden by {@code overrides}. Each
   * problem (an unknown name, a value of the wrong type) is added to {@code problems} as
   * "name: what is wrong"; the caller says where the override came from.
   */
  public static Map<String, Object> resolve(Map<String, PackParameter> declared, Map<String, ?> overrides,
      List<String> problems) {
    Map<String, Object> values = new LinkedHashMap<>();
    declared.values().forEach(p -> values.put(p.name(), p.defaultValue()));
    overrides.forEach((key, value) -> {
      PackParameter p = declared.get(key);
      if (p == null) {
        problems.add(key + ": the pack has no such parameter (it has " + declared.keySet() + ")");
      } else {
        try {
          values.put(key, p.type().coerce(value));
        } catch (IllegalArgumentException e) {
          problems.add(key + ": " + e.getMessage());
        }
      }
    });
    return values;
  }

  /** Parameter types and the DRL global type each needs. */
  public enum Type {
    INT(Integer.class), NUMBER(Double.class), STRING(String.class), BOOLEAN(Boolean.class), LIST(List.class);

    private final Class<?> javaType;

    Type(Class<?> javaType) {
      this.javaType = javaType;
    }

    public Class<?> javaType() {
      return javaType;
    }

    public static Type parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("unknown parameter type '" + text + "' (int, number, string, boolean, list)");
      }
    }

    /**
     * {@code value} converted to this type.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public Object coerce(Object value) {
      switch (this) {
        case INT -> {
          if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
          }
          if (value instanceof String s && s.trim().matches("-?\\d+")) {
            return Integer.parseInt(s.trim());
          }
        }
        case NUMBER -> {
          if (value instanceof Number n) {
            return n.doubleValue();
          }
          if (value instanceof String s) {
            try {
              return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
              // fall through to the error
            }
          }
        }
        case STRING -> {
          if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
          }
        }
        case BOOLEAN -> {
          if (value instanceof Boolean b) {
            return b;
          }
          if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
          }
        }
        case LIST -> {
          if (value instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
          }
          if (value instanceof String s) {
            return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
          }
        }
      }
      throw new IllegalArgumentException("expected " + name().toLowerCase(Locale.ROOT) + ", got '" + value + "'");
    }
  }
}
