package io.aimsmonitor.controls;

import java.util.List;

/**
 * One ISO/IEC 42001 requirement: an Annex A control ({@code A.6.2.4}) or a clause ({@code 8.1}).
 *
 * @param family the Annex A objective ({@code A.6}) or the clause number ({@code 8})
 * @param automation whether facts can decide it: {@link Automation#AUTOMATED}, partly, or only a person
 * @param euAiAct EU AI Act articles a cited public source maps to the control; empty when none does
 * @param nistAiRmf NIST AI RMF subcategories a cited public source maps to the control
 */
public record Control(String id, Part part, String family, String title, Automation automation, String evidence,
    List<String> euAiAct, List<String> nistAiRmf) {

  public Control {
    euAiAct = List.copyOf(euAiAct);
    nistAiRmf = List.copyOf(nistAiRmf);
  }

  public enum Part { ANNEX_A, CLAUSE }

  public enum Automation { AUTOMATED, PARTIAL, MANUAL }
}
