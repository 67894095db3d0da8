package io.aimsmonitor.fact;

import java.util.List;

/**
 * Which facts of a new snapshot were carried over unchanged from the snapshot before it, as
 * stretches of positions: what the snapshot store knows when it merges the two (both in the
 * canonical order, by body hash, so a changed fact only breaks a stretch) and what evaluation
 * needs to find those facts unchanged without looking at each one (see {@code FactChanges}).
 *
 * @param previous the previous snapshot's facts, the very list its {@link FactSnapshot} held
 * @param stretches triples {@code (at, previousAt, length)}, increasing in both positions and not
 *     overlapping: facts {@code [at, at + length)} of the new snapshot are the facts
 *     {@code [previousAt, previousAt + length)} of {@code previous}, each the same object or a copy of
 *     it with another {@link Fact#observedAt()} (equal to it apart from that, of the same source)
 */
public record CarriedOver(List<Fact> previous, int[] stretches) {

  /**
   * Per fact of {@code facts} (the new snapshot's), the object of {@link #previous} it is a copy
   * of, or null where it is that object itself or not carried over: the same relation fact by
   * fact, for a caller that cannot keep the positions (a scope that drops facts).
   */
  public Fact[] copiedFrom(List<? extends Fact> facts) {
    Fact[] out = new Fact[facts.size()];
    for (int s = 0; s < stretches.length; s += 3) {
      for (int k = 0; k < stretches[s + 2]; k++) {
        Fact before = previous.get(stretches[s + 1] + k);
        out[stretches[s] + k] = before == facts.get(stretches[s] + k) ? null : before;
      }
    }
    return out;
  }
}
