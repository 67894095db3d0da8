package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.rules.FactChanges.Changes;
import io.aimsmonitor.rules.FactChanges.Key;
import io.aimsmonitor.rules.FactChanges.Update;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison of every fact that {@link FactChanges} made before it matched unchanged facts by
 * reference (every fact keyed by type and subject, matched as a multiset by
 * {@link FactChanges#sameContent}), kept as the oracle of {@link FactChangesDeltaTest}.
 */
final class FullFactChanges {

  private Map<Key, List<Fact>> held = new HashMap<>();
  private long generation;

  /** The changes from the facts of the previous call to {@code facts}, which become the facts held. */
  Changes next(List<? extends Fact> facts) {
    Fact[] current = new Fact[facts.size()];
    Map<Key, List<Integer>> positions = new LinkedHashMap<>(facts.size() * 4 / 3 + 1); // changes in the facts' order
    for (int i = 0; i < facts.size(); i++) {
      positions.computeIfAbsent(Key.of(facts.get(i)), k -> new ArrayList<>(1)).add(i);
    }
    List<Fact> inserted = new ArrayList<>();
    List<Update> updated = new ArrayList<>();
    List<Fact> deleted = new ArrayList<>();
    Map<Key, List<Fact>> next = new LinkedHashMap<>(positions.size() * 4 / 3 + 1);
    for (Map.Entry<Key, List<Integer>> e : positions.entrySet()) {
      List<Fact> before = held.remove(e.getKey());
      List<Integer> at = e.getValue();
      if (before != null && before.size() == 1 && at.size() == 1) { // the usual case: one fact per identity
        Fact old = before.get(0);
        Fact now = facts.get(at.get(0));
        if (FactChanges.sameContent(old, now)) {
          current[at.get(0)] = old;
        } else {
          current[at.get(0)] = now;
          updated.add(new Update(old, now));
        }
        next.put(e.getKey(), List.of(current[at.get(0)]));
        continue;
      }
      List<Fact> unmatchedBefore = before == null ? new ArrayList<>() : new ArrayList<>(before);
      List<Integer> unmatchedNow = new ArrayList<>();
      for (int i : at) {
        int same = -1;
        for (int j = 0; j < unmatchedBefore.size() && same < 0; j++) {
          same = FactChanges.sameContent(unmatchedBefore.get(j), facts.get(i)) ? j : -1;
        }
        if (same >= 0) {
          current[i] = unmatchedBefore.remove(same);
        } else {
          unmatchedNow.add(i);
        }
      }
      int paired = Math.min(unmatchedBefore.size(), unmatchedNow.size());
      for (int j = 0; j < unmatchedNow.size(); j++) {
        int i = unmatchedNow.get(j);
        current[i] = facts.get(i);
        if (j < paired) {
          updated.add(new Update(unmatchedBefore.get(j), current[i]));
        } else {
          inserted.add(current[i]);
        }
      }
      deleted.addAll(unmatchedBefore.subList(paired, unmatchedBefore.size()));
      List<Fact> kept = new ArrayList<>(at.size());
      at.forEach(i -> kept.add(current[i]));
      next.put(e.getKey(), List.copyOf(kept));
    }
    held.values().forEach(deleted::addAll); // identities no longer reported at all
    held = next;
    generation++;
    return new Changes(generation, Arrays.asList(current), inserted, updated, deleted);
  }

  /** Forgets the facts held (every session must then start afresh). */
  void clear() {
    held = new HashMap<>();
    generation++;
  }
}
