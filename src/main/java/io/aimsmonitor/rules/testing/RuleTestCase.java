package io.aimsmonitor.rules.testing;

import io.aimsmonitor.fact.Fact;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One case of a rule pack's tests, as read from {@code rules/<pack>/tests/*.yaml}: evaluate the
 * pack over {@code facts} at {@code now} with {@code parameters}, and expect exactly the
 * violations in {@code expect}.
 *
 * @param file the test file, for messages
 * @param facts the file's background facts merged with the case's own (see {@link RuleTestFile})
 * @param parameters parameter overrides (file-level merged with the case's)
 * @param expect every violation the case expects; any other violation fails the case
 */
public record RuleTestCase(Path file, String name, Instant now, Map<String, Object> parameters, List<Fact> facts,
    List<Expectation> expect) {

  public RuleTestCase {
    parameters = Map.copyOf(parameters);
    facts = List.copyOf(facts);
    expect = List.copyOf(expect);
  }

  /**
   * An expected violation: the rule id and the subject key of the violating fact, e.g.
   * {@code test:churn-predictor/4} for model churn-predictor v4 from source {@code test}.
   */
  public record Expectation(String rule, String subject) {
    @Override
    public String toString() {
      return rule + " on " + subject;
    }
  }
}
