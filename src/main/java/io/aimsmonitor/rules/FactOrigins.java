package io.aimsmonitor.rules;

import io.aimsmonitor.fact.CarriedOver;
import io.aimsmonitor.fact.Fact;
import java.util.List;

/**
 * What the caller of an evaluation knows of where the facts it gives come from, so that the
 * comparison with the facts given last time ({@code FactChanges}) need not look at the facts that
 * did not change. Either, or both, may be empty; the facts are then compared.
 *
 * @param parts stretches of the facts given that are whole snapshots, each with what the store
 *     said was carried over from the snapshot before it: a part given again, or carried over from a
 *     part given last time, is taken over in bulk (array copies), without a pass per fact
 * @param copiedFrom null, or per fact given: the object it is a re-stamped copy of (see
 *     {@link FactChanges#next(List, FactOrigins)}); for a caller that cannot keep the parts' positions
 */
public record FactOrigins(List<Part> parts, Fact[] copiedFrom) {

  /** Nothing known: every fact is compared. */
  public static final FactOrigins NONE = new FactOrigins(List.of(), null);

  public FactOrigins {
    parts = List.copyOf(parts);
  }

  /**
   * The facts {@code [from, from + facts.size())} of those given are {@code facts}, in its order:
   * one snapshot's list, the same list object as long as the snapshot is the same (it is how the
   * part is recognised next time).
   *
   * @param carried null, or what of {@code facts} was carried over from the previous snapshot's list
   */
  public record Part(int from, List<? extends Fact> facts, CarriedOver carried) {}
}
