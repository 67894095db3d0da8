package io.aimsmonitor.rules;

import java.util.List;

/**
 * A pack that cannot be loaded, with one message per problem, each naming the file, and the rule
 * and line where known: {@code rules/aims-lifecycle/lifecycle.drl:12: rule "x": unknown control id 'A.9.9'}.
 */
public class RulePackException extends Exception {

  private final String pack;
  private final List<String> problems;

  public RulePackException(String pack, List<String> problems) {
    super("rule pack '" + pack + "' rejected:" + System.lineSeparator() + "  "
        + String.join(System.lineSeparator() + "  ", problems));
    this.pack = pack;
    this.problems = List.copyOf(problems);
  }

  public String pack() {
    return pack;
  }

  public List<String> problems() {
    return problems;
  }
}
