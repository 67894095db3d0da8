package io.aimsmonitor.finding;

import io.aimsmonitor.finding.Finding.Status;
import io.aimsmonitor.finding.FindingEvent.Type;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one evaluation's violations into finding changes. Pure: no I/O, so every lifecycle rule
 * is unit-tested here and the store only applies the result in one transaction.
 *
 * <ul>
 *   <li>a violation with no finding opens one; one whose finding was resolved reopens it;</li>
 *   <li>an open finding not violated any more is resolved only if its rule was evaluated and
 *       no source its verdict could depend on failed or is overdue ({@link Staleness}); otherwise
 *       it stays open and is marked stale;</li>
 *   <li>an open finding whose rule is no longer loaded at all is resolved ("rule retired").</li>
 * </ul>
 */
public final class Reconciler {

  /**
   * The input of one reconciliation.
   *
   * @param existing findings that may change: every open finding, and resolved ones that are violated again
   * @param evaluatedRules rules of packs that evaluated successfully this cycle
   * @param loadedRules every rule in force (a superset of evaluated rules)
   * @param staleness which not-fresh sources each finding's verdict could depend on
   * @param snapshots run id of each source's snapshot evaluated, cited in evidence
   * @param live ids of existing findings whose last seen follows the evaluation runs (they were
   *     violated in the last evaluation of their rule; their stored row need not move)
   */
  public record Input(
      Map<String, Finding> existing,
      List<Violation> violations,
      Map<String, RuleDefinition> evaluatedRules,
      Set<String> loadedRules,
      Staleness staleness,
      Map<String, Long> snapshots,
      Instant now,
      Set<String> live) {

    public Input {
      live = live == null ? Set.of() : live;
    }

    /** No existing finding follows the evaluation runs (each one seen is touched once). */
    public Input(Map<String, Finding> existing, List<Violation> violations, Map<String, RuleDefinition> evaluatedRules,
        Set<String> loadedRules, Staleness staleness, Map<String, Long> snapshots, Instant now) {
      this(existing, violations, evaluatedRules, loadedRules, staleness, snapshots, now, Set.of());
    }

    /** With every finding of {@code staleRules} held stale (by an unnamed source): the rule-level view. */
    public Input(Map<String, Finding> existing, List<Violation> violations, Map<String, RuleDefinition> evaluatedRules,
        Set<String> loadedRules, Set<String> staleRules, Map<String, Long> snapshots, Instant now) {
      this(existing, violations, evaluatedRules, loadedRules, Staleness.ofRules(staleRules, "(stale source)"),
          snapshots, now);
    }
  }

  /**
   * What to store. A finding seen again unchanged whose row already follows the evaluation runs
   * ({@link Input#live}) appears nowhere: its last seen is the latest evaluation's time, derived when
   * read, so the common case writes nothing.
   *
   * @param changed findings to upsert
   * @param seenUnchanged findings seen again unchanged that did not follow the evaluation runs
   *     yet: their last seen moves to {@code at} and from then on follows the runs
   * @param events the events that explain the changes
   * @param staleBySource per not-fresh source, how many open findings it holds stale
   * @param live ids among {@code changed} violated in this evaluation: their last seen follows the runs
   * @param unseen findings that followed the runs but were not seen in this one (their pack failed,
   *     or a stale source holds them open): their last seen is fixed at the value given
   * @param held the open findings a not-fresh source holds stale (those {@code staleBySource} counts),
   *     by id: so that a reconciliation of only the changes can keep the counts of the others
   * @param before what the store held of the findings when they were read ({@link Input#existing} and
   *     {@link Input#live}), so that it writes only what differs from it; null when not known (a result
   *     built by hand), and the store reads it
   */
  public record Result(List<Finding> changed, List<String> seenUnchanged, Instant at, List<FindingEvent> events,
      Map<String, Integer> staleBySource, Set<String> live, Map<String, Instant> unseen, Map<String, Held> held,
      Stored before) {

    public Result {
      live = live == null ? Set.of() : Set.copyOf(live);
      unseen = unseen == null ? Map.of() : Map.copyOf(unseen);
      held = held == null ? Map.of() : Map.copyOf(held);
    }

    public Result(List<Finding> changed, List<String> seenUnchanged, Instant at, List<FindingEvent> events,
        Map<String, Integer> staleBySource, Set<String> live, Map<String, Instant> unseen) {
      this(changed, seenUnchanged, at, events, staleBySource, live, unseen, Map.of(), null);
    }

    /** Findings stored as they are given, none following the evaluation runs (tests, imports). */
    public Result(List<Finding> changed, List<String> seenUnchanged, Instant at, List<FindingEvent> events,
        Map<String, Integer> staleBySource) {
      this(changed, seenUnchanged, at, events, staleBySource, Set.of(), Map.of());
    }

    /** True when storing this writes nothing. */
    public boolean isEmpty() {
      return changed.isEmpty() && seenUnchanged.isEmpty() && events.isEmpty() && unseen.isEmpty();
    }

    public long count(Type type) {
      return events.stream().filter(e -> e.type() == type).count();
    }
  }

  /**
   * Findings as stored when a reconciliation read them.
   *
   * @param findings by id, as read (not copied: the reconciliation's input)
   * @param live ids of those whose last seen followed the evaluation runs
   */
  public record Stored(Map<String, Finding> findings, Set<String> live) {}

  /**
   * An open finding held stale: its rule and subject, and the not-fresh sources its verdict could
   * depend on.
   */
  public record Held(String ruleId, String subjectKey, Set<String> sources) {}

  public Result reconcile(Input in) {
    Map<String, Finding> changed = new LinkedHashMap<>();
    List<String> seenUnchanged = new ArrayList<>();
    List<FindingEvent> events = new ArrayList<>();
    Map<String, Violation> violated = oneReportPerFinding(in);
    Map<String, Integer> staleBySource = new java.util.TreeMap<>();
    Set<String> live = new java.util.HashSet<>();
    Map<String, Instant> unseen = new HashMap<>();
    Map<String, Held> held = new HashMap<>();
    for (Map.Entry<String, Violation> e : violated.entrySet()) {
      String id = e.getKey();
      Violation v = e.getValue();
      RuleDefinition rule = in.evaluatedRules().get(v.ruleId());
      Set<String> heldBy = in.staleness().heldBy(rule, v.subject(), sourceOf(v.evidence()));
      heldBy.forEach(source -> staleBySource.merge(source, 1, Integer::sum));
      boolean stale = !heldBy.isEmpty();
      if (stale) {
        held.put(id, new Held(v.ruleId(), v.subject().key(), heldBy));
      }
      Map<String, Object> evidence = evidence(v, in.snapshots());
      Finding old = in.existing().get(id);
      if (old == null) {
        Finding f = new Finding(id, rule.id(), rule.pack(), rule.title(), rule.severity(), rule.controls(), v.message(),
            rule.remediation(), v.subject(), evidence, Status.OPEN, stale, in.now(), in.now(), null, v.owners());
        changed.put(id, f);
        live.add(id);
        events.add(new FindingEvent(id, in.now(), Type.OPENED, FindingEvent.SYSTEM, v.message()));
      } else if (old.status() == Status.RESOLVED) {
        changed.put(id, new Finding(id, rule.id(), rule.pack(), rule.title(), rule.severity(), rule.controls(),
            v.message(), rule.remediation(), v.subject(), evidence, Status.OPEN, stale, old.firstSeen(), in.now(), null,
            v.owners()));
        live.add(id);
        events.add(new FindingEvent(id, in.now(), Type.REOPENED, FindingEvent.SYSTEM, v.message()));
      } else {
        boolean different = !old.message().equals(v.message()) || !sameEvidence(old.evidence(), evidence)
            || old.severity() != rule.severity() || !old.title().equals(rule.title())
            || !old.controls().equals(rule.controls()) || !java.util.Objects.equals(old.remediation(), rule.remediation())
            || !old.subject().equals(v.subject());
        // A new owner is not a change of the finding (no event), but the row must follow the source.
        // Compared as the store keeps them (a set of non-blank names, read back in the database's
        // order): else a source listing owners unsorted would rewrite the row at every full
        // reconciliation and at none of the delta ones.
        boolean ownersMoved = !ownerSet(old.owners()).equals(ownerSet(v.owners()));
        if (!different && old.stale() == stale && !ownersMoved) {
          if (!in.live().contains(id)) {
            seenUnchanged.add(id);
          }
          continue;
        }
        live.add(id);
        if (!different && old.stale() == stale) {
          // only the owners moved: the stored content stays as it is (the evidence's snapshot
          // included, as for a finding seen unchanged), so the store writes the owners and no row
          changed.put(id, new Finding(id, old.ruleId(), old.pack(), old.title(), old.severity(), old.controls(),
              old.message(), old.remediation(), old.subject(), old.evidence(), Status.OPEN, stale, old.firstSeen(),
              in.now(), null, v.owners()));
          continue;
        }
        changed.put(id, new Finding(id, rule.id(), rule.pack(), rule.title(), rule.severity(), rule.controls(),
            v.message(), rule.remediation(), v.subject(), evidence, Status.OPEN, stale, old.firstSeen(), in.now(), null,
            v.owners()));
        if (different) {
          events.add(new FindingEvent(id, in.now(), Type.SEEN_AGAIN, FindingEvent.SYSTEM, v.message()));
        }
        staleTransition(old, heldBy, in, events);
      }
    }
    for (Finding old : in.existing().values()) {
      if (old.status() != Status.OPEN || violated.containsKey(old.id())) {
        continue;
      }
      if (!in.loadedRules().contains(old.ruleId())) {
        changed.put(old.id(), resolved(old, in.now()));
        events.add(new FindingEvent(old.id(), in.now(), Type.RESOLVED, FindingEvent.SYSTEM,
            "rule " + old.ruleId() + " is no longer loaded"));
      } else if (!in.evaluatedRules().containsKey(old.ruleId())) {
        // its pack failed this cycle: nothing is known, nothing changes but that it was not seen now
        if (in.live().contains(old.id())) {
          unseen.put(old.id(), old.lastSeen());
        }
      } else if (!heldBy(old, in).isEmpty()) {
        Set<String> heldBy = heldBy(old, in);
        heldBy.forEach(source -> staleBySource.merge(source, 1, Integer::sum));
        held.put(old.id(), new Held(old.ruleId(), old.subject().key(), heldBy));
        if (!old.stale()) {
          changed.put(old.id(), withStale(old, true));
          events.add(new FindingEvent(old.id(), in.now(), Type.STALE, FindingEvent.SYSTEM,
              "not seen, but its verdict could depend on " + String.join(", ", new java.util.TreeSet<>(heldBy))
                  + ", not collected fresh: kept open"));
        } else if (in.live().contains(old.id())) {
          unseen.put(old.id(), old.lastSeen());
        }
      } else {
        changed.put(old.id(), resolved(old, in.now()));
        events.add(new FindingEvent(old.id(), in.now(), Type.RESOLVED, FindingEvent.SYSTEM,
            "no longer violated on fresh evidence"));
      }
    }
    return new Result(List.copyOf(changed.values()), List.copyOf(seenUnchanged), in.now(), List.copyOf(events),
        Map.copyOf(staleBySource), live, unseen, held, new Stored(in.existing(), in.live()));
  }

  /**
   * The violations of rules evaluated, one per finding id, in the order their findings first
   * appear. A finding several reports make (the same rule fired twice for one subject: a source
   * that reports one object twice, a rule that joins several facts) must not depend on the order the
   * reports come in, which is the engine's firing order in a fresh session but the order reports
   * were made over a long-lived session's life in incremental evaluation: its message, evidence and
   * subject are those of the first report by message, then evidence (in the canonical form), then
   * subject, and its owners are every owner the reports record.
   */
  private static Map<String, Violation> oneReportPerFinding(Input in) {
    Map<String, Violation> out = new LinkedHashMap<>();
    Map<String, java.util.TreeSet<String>> owners = null; // only for findings reported more than once
    for (Violation v : in.violations()) {
      if (!in.evaluatedRules().containsKey(v.ruleId())) {
        continue; // a pack that failed mid-way is not reconciled
      }
      String id = Finding.idOf(v.ruleId(), v.subject().key());
      Violation first = out.putIfAbsent(id, v);
      if (first == null) {
        continue;
      }
      if (precedes(v, first)) {
        out.put(id, v); // keeps the finding's place
      }
      if (owners == null) {
        owners = new HashMap<>();
      }
      owners.computeIfAbsent(id, k -> new java.util.TreeSet<>(ownerSet(first.owners()))).addAll(ownerSet(v.owners()));
    }
    if (owners != null) {
      owners.forEach((id, all) -> out.computeIfPresent(id, (k, v) -> new Violation(v.ruleId(), v.subject(), v.message(),
          v.evidence(), List.copyOf(all))));
    }
    return out;
  }

  /**
   * Whether report {@code a} of a finding comes before {@code b}: by message, then evidence, then
   * subject (its name and link may differ between two facts with one identity).
   */
  private static boolean precedes(Violation a, Violation b) {
    int by = a.message().compareTo(b.message());
    if (by == 0) {
      by = comparable(a.evidence()).compareTo(comparable(b.evidence()));
    }
    if (by == 0) {
      by = String.valueOf(a.subject()).compareTo(String.valueOf(b.subject()));
    }
    return by < 0;
  }

  /** Owners as the store keeps them ({@code finding_owner}): distinct, non-blank, in no order. */
  private static Set<String> ownerSet(List<String> owners) {
    Set<String> out = new java.util.HashSet<>();
    for (String o : owners) {
      if (o != null && !o.isBlank()) {
        out.add(o);
      }
    }
    return out;
  }

  private static Set<String> heldBy(Finding f, Input in) {
    return in.staleness().heldBy(in.evaluatedRules().get(f.ruleId()), f.subject(), sourceOf(f.evidence()));
  }

  private static String sourceOf(Map<String, Object> evidence) {
    Object source = evidence == null ? null : evidence.get("source");
    return source == null ? null : source.toString();
  }

  private static void staleTransition(Finding old, Set<String> heldBy, Input in, List<FindingEvent> events) {
    boolean stale = !heldBy.isEmpty();
    if (stale && !old.stale()) {
      events.add(new FindingEvent(old.id(), in.now(), Type.STALE, FindingEvent.SYSTEM,
          "its verdict could depend on " + String.join(", ", new java.util.TreeSet<>(heldBy))
              + ", not collected fresh"));
    } else if (!stale && old.stale()) {
      events.add(new FindingEvent(old.id(), in.now(), Type.REFRESHED, FindingEvent.SYSTEM, "evidence fresh again"));
    }
  }

  private static Finding resolved(Finding f, Instant now) {
    return new Finding(f.id(), f.ruleId(), f.pack(), f.title(), f.severity(), f.controls(), f.message(), f.remediation(),
        f.subject(), f.evidence(), Status.RESOLVED, false, f.firstSeen(), f.lastSeen(), now, f.owners());
  }

  private static Finding withStale(Finding f, boolean stale) {
    return new Finding(f.id(), f.ruleId(), f.pack(), f.title(), f.severity(), f.controls(), f.message(), f.remediation(),
        f.subject(), f.evidence(), f.status(), stale, f.firstSeen(), f.lastSeen(), f.resolvedAt(), f.owners());
  }

  private static Map<String, Object> evidence(Violation v, Map<String, Long> snapshots) {
    Map<String, Object> out = new LinkedHashMap<>(v.evidence());
    Object source = v.evidence().get("source");
    Long run = source == null ? null : snapshots.get(source.toString());
    if (run != null) {
      out.put("snapshot", run);
    }
    return out;
  }

  /**
   * Whether two findings' evidence is the same but for the snapshot id ({@link #comparable}). WHY
   * first by {@code equals}: maps equal entry by entry give the same canonical text, and the
   * canonical form is three JSON passes per side, which for 100,000 findings seen again was more
   * than half of the reconciliation's 1.3-1.5 s of CPU (issue #14); it is computed only when
   * {@code equals} cannot tell (a record fresh from a rule against the map JSON gave back, an
   * Integer against a Long).
   */
  static boolean sameEvidence(Map<String, Object> stored, Map<String, Object> fresh) {
    return equalButSnapshot(stored, fresh) || comparable(stored).equals(comparable(fresh));
  }

  private static boolean equalButSnapshot(Map<String, Object> a, Map<String, Object> b) {
    if (a.size() - (a.containsKey("snapshot") ? 1 : 0) != b.size() - (b.containsKey("snapshot") ? 1 : 0)) {
      return false;
    }
    for (Map.Entry<String, Object> e : a.entrySet()) {
      if (e.getKey().equals("snapshot")) {
        continue;
      }
      Object other = b.get(e.getKey());
      if (other == null ? e.getValue() != null || !b.containsKey(e.getKey()) : !other.equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Evidence without the snapshot id (which changes every run and is not a change of substance), in
   * the canonical JSON form: a rule's fresh evidence holds records, the stored one the maps JSON
   * gave back, and the two must compare equal when their values are.
   */
  static String comparable(Map<String, Object> evidence) {
    Map<String, Object> copy = new java.util.TreeMap<>(evidence);
    copy.remove("snapshot");
    return io.aimsmonitor.fact.FactJson.canonical(copy);
  }
}
