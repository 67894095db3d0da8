package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.util.List;
import java.util.Set;

/**
 * A rule's metadata, read from its DRL annotations ({@code @control}, {@code @severity},
 * {@code @title}, {@code @remediation}, {@code @rationale}, {@code @decides}) and enriched with the
 * crosswalk of its controls.
 *
 * @param id the DRL rule name; unique across all packs; part of every finding's identity
 * @param controls ISO 42001 control and clause ids the rule decides
 * @param decides {@code full} if the rule alone decides its controls, {@code partial} if a person must still judge
 * @param euAiAct EU AI Act articles mapped to the rule's controls by a cited source
 * @param nistAiRmf NIST AI RMF ids mapped to the rule's controls by a cited source
 * @param factTypes the fact types the rule's conditions read; decides when its findings are stale
 */
public record RuleDefinition(
    String id,
    String pack,
    String title,
    Severity severity,
    List<String> controls,
    String decides,
    String rationale,
    String remediation,
    List<String> euAiAct,
    List<String> nistAiRmf,
    Set<Class<? extends Fact>> factTypes) {

  public RuleDefinition {
    controls = List.copyOf(controls);
    euAiAct = List.copyOf(euAiAct);
    nistAiRmf = List.copyOf(nistAiRmf);
    factTypes = Set.copyOf(factTypes);
  }
}
