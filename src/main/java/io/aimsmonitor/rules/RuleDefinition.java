package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.util.List;
import java.util.Map;
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
 * @param patternCounts how many patterns of each fact type the conditions have (in collects and
 *     accumulates too): a type matched by one pattern only, the subject's, reads no other fact of that type
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
    Set<Class<? extends Fact>> factTypes,
    Map<Class<? extends Fact>, Integer> patternCounts) {

  public RuleDefinition {
    controls = List.copyOf(controls);
    euAiAct = List.copyOf(euAiAct);
    nistAiRmf = List.copyOf(nistAiRmf);
    factTypes = Set.copyOf(factTypes);
    patternCounts = Map.copyOf(patternCounts);
  }

  /** Without pattern counts: every type counts as joined (read beyond a subject), the cautious reading. */
  public RuleDefinition(String id, String pack, String title, Severity severity, List<String> controls, String decides,
      String rationale, String remediation, List<String> euAiAct, List<String> nistAiRmf,
      Set<Class<? extends Fact>> factTypes) {
    this(id, pack, title, severity, controls, decides, rationale, remediation, euAiAct, nistAiRmf, factTypes,
        Map.of());
  }

  /**
   * True when the rule's verdict on a subject of type {@code subjectType} could depend on facts of
   * {@code type} other than the subject's own fact: a join, {@code not}/{@code exists}, a collect, or
   * a second pattern of the subject's type. A rule with a single {@code ModelVersion} pattern decides
   * each version from that version alone.
   */
  public boolean readsBeyondSubject(Class<? extends Fact> type, String subjectType) {
    if (!factTypes.contains(type)) {
      return false;
    }
    return !Fact.kindOf(type).equals(subjectType) || patternCounts.getOrDefault(type, 2) > 1;
  }
}
