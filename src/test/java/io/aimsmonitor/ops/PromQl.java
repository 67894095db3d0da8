package io.aimsmonitor.ops;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lexical extraction of metric and label names from a PromQL expression. Not a parser: syntax is
 * checked by the real promtool; this only answers "which series and labels does it use".
 */
final class PromQl {

  private PromQl() {}

  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
  private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern GROUPING = Pattern.compile(
      "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  // An identifier not glued to a number (1h, 5m, 1e3) and not followed by "(" (function/aggregation).
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![0-9A-Za-z_:.$])([A-Za-z_:][A-Za-z0-9_:]*+)(?!\\s*\\()");
  private static final Pattern MATCHER_LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(?:=~|!~|!=|=)");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "inf", "nan", "by",
      "without", "on", "ignoring", "group_left", "group_right", "atan2", "start", "end");

  /** Replaces Grafana's template variables by values Prometheus accepts. */
  static String substituteGrafanaVariables(String expr) {
    return expr.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
        .replace("${__rate_interval}", "5m").replace("$job", ".*").replace("$family", ".*");
  }

  static Set<String> metricNames(String expr) {
    String s = blankStrings(expr);
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = RANGES.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Labels used in matchers and in by/without/on/ignoring/group_x clauses. */
  static Set<String> labelNames(String expr) {
    String s = blankStrings(expr);
    Set<String> labels = new LinkedHashSet<>();
    Matcher block = MATCHERS.matcher(s);
    while (block.find()) {
      Matcher label = MATCHER_LABEL.matcher(block.group(1));
      while (label.find()) {
        labels.add(label.group(1));
      }
    }
    Matcher grouping = GROUPING.matcher(s);
    while (grouping.find()) {
      for (String label : grouping.group(2).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.trim());
        }
      }
    }
    labels.remove("__name__");
    return labels;
  }

  private static String blankStrings(String expr) {
    return STRINGS.matcher(expr).replaceAll("\"\"");
  }
}
