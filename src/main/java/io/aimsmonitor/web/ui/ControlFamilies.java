package io.aimsmonitor.web.ui;

import java.util.Map;

/**
 * The headings of the ISO/IEC 42001 Annex A objectives and clauses 4-10, as pages group controls
 * by them (the catalogue stores only the family id, e.g. {@code A.6}).
 */
public final class ControlFamilies {

  private static final Map<String, String> NAMES = Map.ofEntries(
      Map.entry("A.2", "Policies related to AI"),
      Map.entry("A.3", "Internal organization"),
      Map.entry("A.4", "Resources for AI systems"),
      Map.entry("A.5", "Assessing impacts of AI systems"),
      Map.entry("A.6", "AI system life cycle"),
      Map.entry("A.7", "Data for AI systems"),
      Map.entry("A.8", "Information for interested parties"),
      Map.entry("A.9", "Use of AI systems"),
      Map.entry("A.10", "Third-party and customer relationships"),
      Map.entry("4", "Context of the organization"),
      Map.entry("5", "Leadership"),
      Map.entry("6", "Planning"),
      Map.entry("7", "Support"),
      Map.entry("8", "Operation"),
      Map.entry("9", "Performance evaluation"),
      Map.entry("10", "Improvement"));

  private ControlFamilies() {}

  /** {@code A.6 AI system life cycle}, {@code Clause 8 Operation}; the id alone when unknown. */
  public static String label(String family) {
    String name = NAMES.get(family);
    String id = family.startsWith("A.") ? family : "Clause " + family;
    return name == null ? id : id + " " + name;
  }
}
