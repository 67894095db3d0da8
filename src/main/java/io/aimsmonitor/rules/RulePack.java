package io.aimsmonitor.rules;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.kie.api.KieBase;

/**
 * A validated, compiled rule pack: {@code rules/<name>/pack.yaml} plus its {@code .drl} files.
 *
 * @param version the pack's own {@code version} from pack.yaml, or null
 * @param contentHash SHA-256 of pack.yaml and the DRL files: the version that findings and metrics cite
 * @param parameters declared parameters, by name
 * @param parameterValues the values in force (defaults overridden by configuration)
 * @param limits the pack's evaluation budget (pack.yaml's {@code limits} over the service defaults)
 * @param shadow pack.yaml's {@code shadow: true}: evaluated and reported (what it would find) but it
 *     creates no findings, changes no control status and fires no alerts; see docs/writing-rules.md
 * @param factTypes the classes of facts its rules can match ({@link FactTypes#of(KieBase) taken from kieBase}):
 *     its sessions are given only those facts
 */
public record RulePack(
    String name,
    String version,
    String description,
    String contentHash,
    Path directory,
    Map<String, PackParameter> parameters,
    Map<String, Object> parameterValues,
    List<RuleDefinition> rules,
    KieBase kieBase,
    EvaluationLimits limits,
    boolean shadow,
    FactTypes factTypes) {

  public RulePack {
    parameters = Map.copyOf(parameters);
    parameterValues = Map.copyOf(parameterValues);
    rules = List.copyOf(rules);
    limits = limits == null ? EvaluationLimits.DEFAULTS : limits;
  }

  /**
   * The same compiled pack with other parameter values (defaults overridden by {@code overrides}):
   * parameters are globals, so no recompilation is needed. Used by rule test cases.
   *
   * @throws IllegalArgumentException listing every unknown parameter and badly typed value
   */
  public RulePack withParameters(Map<String, ?> overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    List<String> problems = new java.util.ArrayList<>();
    Map<String, Object> values = PackParameter.resolve(parameters, overrides, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("parameters." + String.join("; parameters.", problems));
    }
    return new RulePack(name, version, description, contentHash, directory, parameters, values, rules, kieBase, limits, shadow, factTypes);
  }

  /**
   * The same compiled pack with its sessions given every fact its network admits, pack.yaml's
   * {@code semiJoins} left out: what the pack's rules decide on their own. Rule test cases compare
   * the two ({@code RuleTestRunner}), since a semi-join is the author's promise about the rules.
   */
  public RulePack withoutSemiJoins() {
    FactTypes all = factTypes == null ? null : factTypes.withoutSemiJoins();
    return all == factTypes ? this
        : new RulePack(name, version, description, contentHash, directory, parameters, parameterValues, rules, kieBase,
            limits, shadow, all);
  }

  /** First 12 hex digits of the content hash, as shown in metrics and the API. */
  public String shortHash() {
    return contentHash.substring(0, 12);
  }
}
