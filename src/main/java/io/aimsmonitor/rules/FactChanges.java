package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The facts the long-lived sessions hold, and what changed since the last evaluation. A fact is
 * identified by its type and {@link Fact#subject() subject} key (stable across runs, unique across
 * sources) and compared by content with {@code equals} (facts are immutable records), apart from
 * {@link Fact#observedAt()} (see {@link #sameContent}). Facts with
 * the same identity (a source that reports one object twice) are matched as a multiset: equal ones
 * are kept, the rest paired up as updates, the remainder inserted or deleted.
 *
 * <p>Unchanged facts keep the object the sessions already hold, so the sessions can find them by
 * identity ({@code KieSession.getFactHandle}) and every pack shares one object per fact: the
 * {@linkplain Changes#current() current list} is what every session, incremental or fresh, is given.
 * One instance serves every pack of an evaluator; it is not thread-safe (evaluations do not overlap).
 *
 * <p>Cost proportional to what changed: a fact given again as the very object given last time (the
 * store's parsed snapshot of a source that did not run, and the unchanged facts of a source that
 * did: {@code SnapshotRepository} hands those on as the previous run's objects) is the same fact
 * with the same content, so it is matched by reference, without computing its key or comparing its
 * content: looked for where it was last time (the facts come in the same order, a change shifts
 * the rest by a place or two), else in an identity table over the last call's objects not matched
 * so far. Only the objects not given last time and the last call's objects not given again are
 * matched by key and content as described above. The result is the one a comparison of every fact
 * gives: an object is {@link #sameContent} as the held object it was matched with last time, and
 * matching within one identity is a multiset match under that equivalence, whatever pairs are
 * taken first. Held per fact: two references (the object given and the object held), no key,
 * list or map entry.
 *
 * <p>A fact re-collected unchanged but stamped with its run's start (connectors stamp every fact
 * so) is a new object, found where the order puts it and compared by content there
 * ({@code reobservedNear}). The store hands such a fact on as a copy of the previous object with
 * the new time ({@code SnapshotRows.reuse}), sharing every other component with it and so with the
 * held object: {@link #sameContent} then costs a reference comparison per component, without a
 * copy ({@link Fact#equalsApartFromObservedAt}). Facts not
 * handed on so (another source of facts, a snapshot read after a restart) are compared the same
 * way, reading their content. When the caller passes on which facts the store made as such copies
 * and of which objects ({@link FactOrigins#copiedFrom()}), a copy of an object given last time is
 * matched by reference to it instead, and neither record is read: the 1% cycle then reads the
 * content of the changed facts only. Told also where each snapshot lies in the facts and what the
 * store carried over into it as stretches of positions ({@link FactOrigins#parts()}), it copies
 * the held objects over stretch by stretch and looks only at the facts between the stretches: a
 * 1% cycle then costs in proportion to the change, not to the estate, apart from array copies.
 */
final class FactChanges {

  /** What identifies a fact across snapshots. */
  record Key(Class<?> type, String subject) {
    static Key of(Fact fact) {
      return new Key(fact.getClass(), fact.subject().key());
    }
  }

  /** One fact whose content changed: the object the sessions hold, and its replacement. */
  record Update(Fact before, Fact after) {}

  /**
   * The difference between two generations of facts.
   *
   * @param generation the generation these changes lead to; a session holding {@code generation - 1} can apply them
   * @param current every fact of this generation, unchanged ones as the objects held before
   */
  record Changes(long generation, List<Fact> current, List<Fact> inserted, List<Update> updated, List<Fact> deleted) {
    int size() {
      return inserted.size() + updated.size() + deleted.size();
    }
  }

  private static final Fact[] NONE = new Fact[0];
  /** How far from where it was last time a fact is looked for by reference before the identity table. */
  private static final int WINDOW = 16;
  /** How far a re-stamped fact is looked for by content: each probe compares content, so fewer. */
  private static final int REOBSERVED_WINDOW = 2;

  /** The objects the last call was given, in its order. */
  private Fact[] given = NONE;
  /** Per position of {@link #given}: the object the sessions hold for it (the same object unless kept as first observed). */
  private Fact[] held = NONE;
  /** The parts the last call was told of ({@link FactOrigins#parts()}): by list, where it lay in {@link #given} and its size. */
  private IdentityHashMap<List<?>, int[]> partsGiven = new IdentityHashMap<>();
  private long generation;
  /** How many facts (given, and held before) the last call matched by key and content, not by reference. */
  private int compared;

  /** The changes from the facts of the previous call to {@code facts}, which become the facts held. */
  Changes next(List<? extends Fact> facts) {
    return next(facts, FactOrigins.NONE);
  }

  /**
   * As {@link #next(List)}, told where the facts come from ({@link FactOrigins}).
   *
   * <p>Re-stamped copies, fact by fact ({@link FactOrigins#copiedFrom()}: null, or as long as
   * {@code facts}): at a fact's position the object it is a copy of, equal to it apart from
   * {@link Fact#observedAt()} and of the same source (the store's {@code SnapshotRows.reuse} makes
   * such copies and says so), else null. A copy of an object given last time is matched with what
   * that object was matched with, by reference: the two have the same identity and content
   * ({@link #sameContent} is an equivalence), so neither record is read. Facts whose original was
   * not given last time (a source that ran twice between two calls) are compared as usual.
   *
   * <p>Stretches ({@link FactOrigins#parts()}): which stretches of {@code facts} are whole snapshots
   * and what the store carried over into each from the snapshot before it. A part whose list was a
   * part last time, or whose carried-over stretches come from a list that was, is matched in bulk:
   * the held objects are copied over by the stretch ({@code System.arraycopy}), so the facts carried
   * over are not looked at one by one; only the rest (the changed facts, a part given for the first
   * time) go through the matching by reference and key. The stretches are the store's word (same
   * objects or re-stamped copies); a stretch outside its part, or a list given in two parts, is
   * refused.
   */
  Changes next(List<? extends Fact> facts, FactOrigins origins) {
    Fact[] now = facts.toArray(NONE);
    Fact[] copiedFrom = origins.copiedFrom();
    if (copiedFrom != null && copiedFrom.length != now.length) {
      throw new IllegalArgumentException("copiedFrom has " + copiedFrom.length + " entries for " + now.length
          + " facts");
    }
    int[] stretches = stretches(origins.parts(), now.length);
    Fact[] current = new Fact[now.length];
    boolean[] matched = new boolean[given.length];
    // The stretches first, all of them: a fact reported twice (the same object at two positions)
    // must not be taken, one by one below, from a position a stretch claims.
    for (int s = 0; s < stretches.length; s += 3) {
      System.arraycopy(held, stretches[s + 1], current, stretches[s], stretches[s + 2]);
      Arrays.fill(matched, stretches[s + 1], stretches[s + 1] + stretches[s + 2], true);
    }
    int[] unmatched = new int[16];
    int unmatchedCount = 0;
    int reobserved = 0;
    // The facts mostly come in the last call's order (sources in one order, each snapshot in its
    // canonical one), so a fact is first looked for where the one before it was found, then nearby.
    int offset = 0;
    int next = 0; // the next stretch
    for (int i = 0; i < now.length; i++) {
      if (next < stretches.length && stretches[next] == i) { // taken over above: skip it whole
        offset = stretches[next + 1] - i;
        i += stretches[next + 2] - 1;
        next += 3;
        continue;
      }
      Fact original = copiedFrom == null ? null : copiedFrom[i];
      int at = original == null ? -1 : near(original, i + offset, matched);
      if (at < 0) {
        at = near(now[i], i + offset, matched);
      }
      if (at >= 0) {
        matched[at] = true;
        current[i] = held[at];
        offset = at - i;
      } else if ((at = reobservedNear(now[i], i + offset, matched)) >= 0) {
        // Re-collected unchanged but stamped with its run's start (connectors stamp every fact so):
        // the held object stands, as it would after the comparison by key below, without a map.
        matched[at] = true;
        current[i] = held[at];
        offset = at - i;
        reobserved++;
      } else {
        if (unmatchedCount == unmatched.length) {
          unmatched = Arrays.copyOf(unmatched, unmatchedCount * 2);
        }
        unmatched[unmatchedCount++] = i;
      }
    }
    int[] rest = unmatchedGiven(matched, stretches);
    if (unmatchedCount > 0 && rest.length > 0) { // out of order (a source's position moved): by reference all the same
      int[] table = index(rest);
      int still = 0;
      for (int k = 0; k < unmatchedCount; k++) {
        int i = unmatched[k];
        int at = find(table, rest, now[i], matched);
        if (at >= 0) {
          matched[at] = true;
          current[i] = held[at];
        } else {
          unmatched[still++] = i;
        }
      }
      unmatchedCount = still;
    }
    Map<Key, List<Fact>> before = new HashMap<>();
    int comparedBefore = 0;
    for (int j : rest) {
      if (!matched[j]) {
        before.computeIfAbsent(Key.of(held[j]), k -> new ArrayList<>(1)).add(held[j]);
        comparedBefore++;
      }
    }
    compared = unmatchedCount + comparedBefore + 2 * reobserved;
    List<Fact> inserted = new ArrayList<>();
    List<Update> updated = new ArrayList<>();
    List<Fact> deleted = new ArrayList<>();
    compare(now, Arrays.copyOf(unmatched, unmatchedCount), before, current, inserted, updated, deleted);
    given = now;
    held = current;
    partsGiven = new IdentityHashMap<>();
    for (FactOrigins.Part part : origins.parts()) {
      partsGiven.put(part.facts(), new int[] {part.from(), part.facts().size()});
    }
    generation++;
    return new Changes(generation, Arrays.asList(current), inserted, updated, deleted);
  }

  /**
   * The stretches of positions of the facts given now that are positions of {@link #given}
   * taken over as they are: triples {@code (at, givenAt, length)}, increasing in {@code at}. A part
   * given last time as the same list is one stretch; a part the store carried over from a list
   * given last time is that list's stretches, moved to where the two lists lie.
   */
  private int[] stretches(List<FactOrigins.Part> parts, int length) {
    int[] out = new int[0];
    int count = 0;
    int end = 0; // where the last part ended: parts in order, not overlapping
    Set<List<?>> used = Collections.newSetFromMap(new IdentityHashMap<>()); // each list's positions taken once
    for (FactOrigins.Part part : parts) {
      int size = part.facts().size();
      if (part.from() < end || part.from() + size > length) {
        throw new IllegalArgumentException("part at " + part.from() + " of " + size + " facts overlaps another or"
            + " ends after the " + length + " facts");
      }
      end = part.from() + size;
      int[] same = partsGiven.get(part.facts());
      int[] from = same != null ? null : part.carried() == null ? null : partsGiven.get(part.carried().previous());
      List<?> source = same != null ? part.facts() : part.carried() == null ? null : part.carried().previous();
      if (same == null && from == null || !used.add(source)) {
        continue; // given for the first time (or its source twice): compared
      }
      int[] theirs = same != null ? new int[] {0, 0, size} : part.carried().stretches();
      int previousSize = (same != null ? same : from)[1];
      int givenFrom = (same != null ? same : from)[0];
      if (out.length < count + theirs.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, count + theirs.length));
      }
      int lastAt = 0;
      int lastPrevious = 0;
      for (int s = 0; s < theirs.length; s += 3) {
        int at = theirs[s];
        int previousAt = theirs[s + 1];
        int n = theirs[s + 2];
        if (at < lastAt || previousAt < lastPrevious || n < 0 || at + n > size || previousAt + n > previousSize) {
          throw new IllegalArgumentException("stretch (" + at + ", " + previousAt + ", " + n + ") of a part of " + size
              + " facts carried over from " + previousSize + " is out of order or out of range");
        }
        lastAt = at + n;
        lastPrevious = previousAt + n;
        if (n > 0) {
          out[count++] = part.from() + at;
          out[count++] = givenFrom + previousAt;
          out[count++] = n;
        }
      }
    }
    return Arrays.copyOf(out, count);
  }

  /** The position of {@code fact} itself in {@link #given}, not matched yet, within {@link #WINDOW} of {@code expected}; or -1. */
  private int near(Fact fact, int expected, boolean[] matched) {
    for (int d = 0; d <= WINDOW; d++) {
      int after = expected + d;
      if (after >= 0 && after < given.length && given[after] == fact && !matched[after]) {
        return after;
      }
      int before = expected - d;
      if (d > 0 && before >= 0 && before < given.length && given[before] == fact && !matched[before]) {
        return before;
      }
    }
    return -1;
  }

  /**
   * Whether the fact given at {@code position} last time, not matched yet, is {@code fact}
   * observed again: of its identity (type and subject key) and {@link #sameContent} as the object
   * held for it. Such a pair is one the comparison by key would make (within one identity, facts
   * of the same content are interchangeable), found where the facts' order puts it.
   */
  private int reobservedNear(Fact fact, int expected, boolean[] matched) {
    // a changed fact moves in the canonical order (by content hash), shifting its neighbours by one
    for (int d = 0; d <= REOBSERVED_WINDOW; d++) {
      if (reobservedAt(fact, expected + d, matched)) {
        return expected + d;
      }
      if (d > 0 && reobservedAt(fact, expected - d, matched)) {
        return expected - d;
      }
    }
    return -1;
  }

  private boolean reobservedAt(Fact fact, int position, boolean[] matched) {
    if (position < 0 || position >= given.length || matched[position]) {
      return false;
    }
    Fact old = held[position];
    // Same content from the same source is the same subject: a subject key is built from the
    // fact's components, never from when it was observed (it is stable across runs), so the two
    // keys (four strings built per fact) are needed only when the fact moved to another source.
    return old.getClass() == fact.getClass() && sameContent(old, fact)
        && (Objects.equals(old.source(), fact.source()) || old.subject().key().equals(fact.subject().key()));
  }

  /**
   * The positions of {@link #given} not matched, looked for outside the stretches only (those are
   * matched whole): the usual cycle does not pass over every position again.
   */
  private static int[] unmatchedGiven(boolean[] matched, int[] stretches) {
    long[] taken = new long[stretches.length / 3]; // the stretches' given ranges, in their order there
    for (int s = 0; s < stretches.length; s += 3) {
      taken[s / 3] = (long) stretches[s + 1] << 32 | stretches[s + 2];
    }
    Arrays.sort(taken);
    int[] out = new int[16];
    int count = 0;
    int from = 0;
    for (int t = 0; t <= taken.length; t++) {
      int to = t < taken.length ? (int) (taken[t] >>> 32) : matched.length;
      for (int j = from; j < to; j++) {
        if (!matched[j]) {
          if (count == out.length) {
            out = Arrays.copyOf(out, count * 2);
          }
          out[count++] = j;
        }
      }
      from = t < taken.length ? to + (int) taken[t] : to;
    }
    return Arrays.copyOf(out, count);
  }

  /** An identity table over the objects at {@code positions} of {@link #given}: open addressing, index + 1, 0 empty. */
  private int[] index(int[] positions) {
    int[] table = new int[Integer.highestOneBit(positions.length * 2 - 1) << 1]; // at most half full
    int mask = table.length - 1;
    for (int k = 0; k < positions.length; k++) {
      int slot = slot(given[positions[k]], table.length);
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = k + 1;
    }
    return table;
  }

  /** A position of {@link #given} among {@code positions} holding {@code fact} itself and not matched yet, or -1. */
  private int find(int[] table, int[] positions, Fact fact, boolean[] matched) {
    int mask = table.length - 1;
    for (int slot = slot(fact, table.length); table[slot] != 0; slot = (slot + 1) & mask) {
      int at = positions[table[slot] - 1];
      if (given[at] == fact && !matched[at]) {
        return at;
      }
    }
    return -1;
  }

  /** The slot of {@code fact} in a table of {@code length} (a power of two): the top bits of a Fibonacci hash. */
  private static int slot(Fact fact, int length) {
    return System.identityHashCode(fact) * 0x9E3779B9 >>> Integer.numberOfLeadingZeros(length) + 1;
  }

  /**
   * Matches the facts at {@code positions} of {@code now} with the held facts {@code before} not
   * matched by reference (by identity, then content), filling in {@code current} at those positions.
   */
  private static void compare(Fact[] now, int[] positions, Map<Key, List<Fact>> held, Fact[] current,
      List<Fact> inserted, List<Update> updated, List<Fact> deleted) {
    if (held.isEmpty()) {
      // nothing held is left to match (a first evaluation, or only new facts): every fact is
      // inserted, as the matching below would decide, without a subject key (four strings built
      // per fact) and a map entry per fact: at 300,000 facts a first evaluation's comparison was
      // 3.8 s of them
      for (int i : positions) {
        current[i] = now[i];
        inserted.add(now[i]);
      }
      return;
    }
    Map<Key, List<Integer>> byKey = new LinkedHashMap<>(); // changes in the facts' order
    for (int i : positions) {
      byKey.computeIfAbsent(Key.of(now[i]), k -> new ArrayList<>(1)).add(i);
    }
    for (Map.Entry<Key, List<Integer>> e : byKey.entrySet()) {
      List<Fact> before = held.remove(e.getKey());
      List<Integer> at = e.getValue();
      if (before != null && before.size() == 1 && at.size() == 1) { // the usual case: one fact per identity
        Fact old = before.get(0);
        Fact fact = now[at.get(0)];
        if (sameContent(old, fact)) {
          current[at.get(0)] = old;
        } else {
          current[at.get(0)] = fact;
          updated.add(new Update(old, fact));
        }
        continue;
      }
      List<Fact> unmatchedBefore = before == null ? new ArrayList<>() : before;
      List<Integer> unmatchedNow = new ArrayList<>();
      for (int i : at) {
        int same = -1;
        for (int j = 0; j < unmatchedBefore.size() && same < 0; j++) {
          same = sameContent(unmatchedBefore.get(j), now[i]) ? j : -1;
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
        current[i] = now[i];
        if (j < paired) {
          updated.add(new Update(unmatchedBefore.get(j), current[i]));
        } else {
          inserted.add(current[i]);
        }
      }
      deleted.addAll(unmatchedBefore.subList(paired, unmatchedBefore.size()));
    }
    held.values().forEach(deleted::addAll); // identities no longer reported at all
  }

  /**
   * Equal apart from when they were observed. Connectors stamp every fact with the start of their
   * run, so a re-collected, unchanged object differs only there; it is kept as first observed.
   */
  static boolean sameContent(Fact held, Fact now) {
    if (held == now) {
      return true;
    }
    // From the same source (the usual case, a re-stamped fact) this is equalsApartFromObservedAt
    // whatever the two times are: when they are equal it is what equals says. So neither time is
    // read (two more objects per fact, scattered over the heap, on every fact of the estate), and
    // the fact is compared without a copy: one the store handed on shares its components with the
    // held one, so each is a reference check (Fact.equalsApartFromObservedAt).
    if (Objects.equals(held.source(), now.source())) {
      return held.equalsApartFromObservedAt(now);
    }
    if (now.observedAt() == null || now.observedAt().equals(held.observedAt())) {
      return held.equals(now);
    }
    // moved to another source (the same subject only where a key says so): compared as re-attributed
    // there, a namespace that defaulted to the old source following it (withOrigin)
    return held.getClass() == now.getClass() && held.withOrigin(now.source(), now.observedAt()).equals(now);
  }

  /** How many facts the last {@link #next} compared by key and content (what it costs beyond a pass by reference). */
  int compared() {
    return compared;
  }

  /** Forgets the facts held (every session must then start afresh). */
  void clear() {
    given = NONE;
    held = NONE;
    partsGiven = new IdentityHashMap<>();
    generation++;
  }
}
