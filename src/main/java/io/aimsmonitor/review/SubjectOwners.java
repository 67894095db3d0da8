package io.aimsmonitor.review;

import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.fact.TrainingRun;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who owns the subject of a finding, as the registry or catalog records it: the default assignee.
 * A model version's and a dataset's owners are their own; a training run belongs to the model
 * version it produced (same source, which is the system its run id points into), a monitor to the
 * model version it watches, an attestation to the production model versions of its AI system.
 * With several owners the first listed is taken: the registry's order is the owner's own.
 *
 * <p>The owners are a function of the set of facts, not of their order: where several model
 * versions stand for one run, model version or system (or one subject has several facts), the one
 * with the smallest subject key (then owner) counts. So a collection that returns the same facts in
 * another order moves no assignee, and an evaluation in which no fact changed keeps the owners of
 * the one before ({@link ReviewService#store}).
 *
 * <p>{@link #of} takes them from every fact (the first evaluation); {@link #update} brings them up
 * to date from the facts that changed, with the same result (docs/review.md, "Owners from the facts
 * that changed"). WHY not every fact at every evaluation: at 1,000,000 facts that was 1.7 s of a
 * 1% cycle. What is kept for it is little beyond the owners themselves: per own subject the number
 * of candidates and how many name the smallest owner, and one flag; the runs', model versions' and
 * systems' smallest candidates are found again, for the few that changed, by one pass over the
 * facts that builds no string.
 */
public final class SubjectOwners {

  /** A subject's own owner (model version, dataset), from every fact of that subject that names one. */
  private final Map<String, Own> own;
  /** An owner taken from a model version (training run, monitor, attestation); an own owner comes first. */
  private final Map<String, Owned> derived;
  /**
   * Whether no fact whose owner is taken from another could share its subject key with a fact of
   * another type or group (see {@link #plain(Fact)}). WHY: {@link #update} finds a subject's other
   * facts through the run, model version or system they point to, not by computing every fact's key.
   */
  private boolean plain;

  /** A subject's owner, and the subject's type (so that its findings' ids can be derived). */
  private record Owned(String owner, String subjectType) {}

  /**
   * The candidates for one subject's own owner: the smallest owner, the number of candidates and
   * how many of them name that owner (so that one of them going leaves it, or, when none is left
   * but others are, the owners are taken again from every fact).
   */
  private record Own(String owner, String subjectType, int candidates, int atBest) {
    Own plus(String o, String type) {
      int byOwner = o.compareTo(owner);
      return byOwner < 0 ? new Own(o, type, candidates + 1, 1)
          : new Own(owner, subjectType, candidates + 1, atBest + (byOwner == 0 ? 1 : 0));
    }

    /** Null: the smallest is gone and others are left, which only every fact can tell. */
    Own minus(String o) {
      if (!o.equals(owner)) {
        return new Own(owner, subjectType, candidates - 1, atBest);
      }
      if (atBest > 1 || candidates == 1) {
        return new Own(owner, subjectType, candidates - 1, atBest - 1);
      }
      return null;
    }
  }

  /** Two parts of a key (a run in its source, a model's version), each as {@code String.valueOf} gives it. */
  private record Pair(String a, String b) {
    static Pair of(String a, String b) {
      return new Pair(String.valueOf(a), String.valueOf(b));
    }
  }

  /**
   * A screen in front of a few {@link Pair}s, for the pass over every fact in {@link #update}: a
   * bit per hash of the two parts, from the strings' cached hash codes, so that the facts whose
   * pair is not among them (nearly all) are passed over without building a {@code Pair} or probing
   * a set. WHY not Guava's {@code BloomFilter} (used for {@code OpenFindingIds}): it hashes every
   * character of the strings on every probe, which is the cost this avoids; one hash into a table
   * of at least 64 bits per pair leaves under 2 % of the facts to the exact check.
   */
  private static final class PairScreen {
    private final long[] bits;
    private final int mask;

    PairScreen(Set<Pair> pairs) {
      int size = Integer.highestOneBit(Math.max(1024, pairs.size() * 64 - 1)) << 1;
      bits = new long[size >>> 6];
      mask = size - 1;
      for (Pair p : pairs) {
        int h = hash(p.a(), p.b()) & mask;
        bits[h >>> 6] |= 1L << h;
      }
    }

    /** False when the pair {@code (a, b)}, as {@link Pair#of} takes it, is certainly not among them. */
    boolean mayContain(String a, String b) {
      int h = hash(String.valueOf(a), String.valueOf(b)) & mask;
      return (bits[h >>> 6] & (1L << h)) != 0;
    }

    private static int hash(String a, String b) {
      int h = a.hashCode() * 0x9E3779B1 + b.hashCode();
      return h ^ (h >>> 16);
    }
  }

  private SubjectOwners(Map<String, Own> own, Map<String, Owned> derived, boolean plain) {
    this.own = own;
    this.derived = derived;
    this.plain = plain;
  }

  /** A candidate owner and the subject it comes from, ordered so that the choice is the same whatever the facts' order. */
  private record Candidate(String subjectKey, String owner) {
    boolean before(Candidate other) {
      int bySubject = subjectKey.compareTo(other.subjectKey);
      return bySubject < 0 || (bySubject == 0 && owner.compareTo(other.owner) < 0);
    }
  }

  private static <K> void offer(Map<K, Candidate> map, K key, Candidate c) {
    map.merge(key, c, (a, b) -> b.before(a) ? b : a);
  }

  /** A derived owner being chosen: the candidate, and the type of the subject it is for. */
  private record Choice(Candidate from, String subjectType) {}

  private static void offer(Map<String, Choice> map, String key, Choice c) {
    map.merge(key, c, (a, b) -> b.from().before(a.from()) ? b : a);
  }

  /** The candidates of the runs, model versions and systems: the smallest per key. */
  private static final class Groups {
    final Map<Pair, Candidate> byRun = new HashMap<>();
    final Map<Pair, Candidate> byModelVersion = new HashMap<>();
    final Map<String, Candidate> bySystem = new HashMap<>();

    /**
     * Offers model version {@code m}'s candidate to the keys {@code runs}, {@code versions} and
     * {@code systems} admit (null: all), with screens in front of {@code runs} and {@code versions}
     * (null: none).
     */
    void offerVersion(ModelVersion m, Set<Pair> runs, PairScreen runScreen, Set<Pair> versions, PairScreen versionScreen,
        Set<String> systems) {
      Candidate c = null;
      if (m.sourceRunId() != null && (runs == null || (!runs.isEmpty()
          && (runScreen == null || runScreen.mayContain(m.source(), m.sourceRunId()))
          && runs.contains(Pair.of(m.source(), m.sourceRunId()))))) {
        c = candidate(m);
        offer(byRun, Pair.of(m.source(), m.sourceRunId()), c);
      }
      if (versions == null || (!versions.isEmpty()
          && (versionScreen == null || versionScreen.mayContain(m.modelName(), m.version()))
          && versions.contains(Pair.of(m.modelName(), m.version())))) {
        c = c == null ? candidate(m) : c;
        offer(byModelVersion, Pair.of(m.modelName(), m.version()), c);
      }
      if ((systems == null || (!systems.isEmpty() && systems.contains(m.system()))) && m.isProduction()) {
        offer(bySystem, m.system(), c == null ? candidate(m) : c);
      }
    }

    private static Candidate candidate(ModelVersion m) {
      return new Candidate(m.subject().key(), m.owners().get(0));
    }

    /** The candidate for a fact whose owner comes from a model version; null when none stands for it. */
    Candidate from(Fact f) {
      if (f instanceof TrainingRun r) {
        return byRun.get(Pair.of(r.source(), r.runId()));
      } else if (f instanceof ModelMonitor m) {
        return byModelVersion.get(Pair.of(m.modelName(), m.version()));
      } else if (f instanceof Attestation a) {
        return bySystem.get(a.system());
      }
      return null;
    }
  }

  private static boolean derives(Fact f) {
    return f instanceof TrainingRun || f instanceof ModelMonitor || f instanceof Attestation;
  }

  /**
   * Whether the subject key of a fact whose owner is taken from another determines its type and the
   * run, model version or system it points to: true unless a separator of the key is also part of
   * a name in it (a source with ':', a monitored model with '/' or '#', ...). WHY: then every fact
   * of a subject is found through what it points to, and one fact that is not plain makes
   * {@link #update} take the owners from every fact. For a training run, key
   * {@code source:run/runId} determines (source, runId) when no source has a ':'; a monitor's
   * {@code source:model[/version]#signal} determines (model, version) when neither has a '#' and
   * the model has no '/'; an attestation's {@code source:type/system} determines the system when
   * the type has no '/'. Across types: a run's key has no '#' when its run id has none (a monitor's
   * has one), and an attestation's none when its type and system have none and its type is not
   * {@code run}.
   */
  static boolean plain(Fact f) {
    if (f instanceof TrainingRun r) {
      return !has(r.source(), ':') && !has(r.runId(), '#');
    } else if (f instanceof ModelMonitor m) {
      return !has(m.source(), ':') && !has(m.modelName(), '/') && !has(m.modelName(), '#') && !has(m.version(), '#')
          && !"run".equals(m.modelName());
    } else if (f instanceof Attestation a) {
      return !has(a.source(), ':') && !has(a.type(), '/') && !has(a.type(), '#') && !has(a.system(), '#')
          && !"run".equals(a.type());
    }
    return true;
  }

  private static boolean has(String s, char c) {
    return s != null && s.indexOf(c) >= 0;
  }

  /** The owners every fact of {@code facts} implies. */
  public static SubjectOwners of(List<Fact> facts) {
    Map<String, Own> own = new HashMap<>();
    Groups groups = new Groups();
    boolean plain = true;
    for (Fact f : facts) {
      if (f instanceof ModelVersion m && !m.owners().isEmpty()) {
        groups.offerVersion(m, null, null, null, null, null);
        Subject s = m.subject();
        addOwn(own, s.key(), m.owners().get(0), s.type());
      } else if (f instanceof Dataset d && !d.owners().isEmpty()) {
        Subject s = d.subject();
        addOwn(own, s.key(), d.owners().get(0), s.type());
      } else if (derives(f)) {
        plain &= plain(f);
      }
    }
    Map<String, Choice> chosen = new HashMap<>();
    for (Fact f : facts) {
      Candidate from = derives(f) ? groups.from(f) : null;
      if (from != null) {
        Subject s = f.subject();
        offer(chosen, s.key(), new Choice(from, s.type()));
      }
    }
    Map<String, Owned> derived = new HashMap<>();
    chosen.forEach((subject, c) -> derived.put(subject, new Owned(c.from().owner(), c.subjectType())));
    return new SubjectOwners(own, derived, plain);
  }

  private static void addOwn(Map<String, Own> own, String key, String owner, String type) {
    own.merge(key, new Own(owner, type, 1, 1), (a, b) -> a.plus(b.owner(), b.subjectType()));
  }

  /**
   * Brings these owners up to date with a change of the facts, as {@link #of} over {@code facts}
   * would take them. This instance then stands for {@code facts}: the caller keeps it only if what
   * it does with it commits (a failed sync drops it, and the next takes the owners from every fact).
   *
   * @param facts every fact now
   * @param removed the facts gone since the facts these owners stand for, and the changed ones as they were
   * @param added the facts new since, and the changed ones as they are now
   * @return the subjects whose owner changed (gained, lost or another) with their types, as
   *     {@link #changedSince} gives them; null when it cannot be told from the change (a smallest
   *     candidate gone while others are left, a fact that is not {@link #plain(Fact) plain}): then
   *     nothing was changed here and the caller takes the owners from every fact
   */
  public Map<String, String> update(List<Fact> facts, Collection<Fact> removed, Collection<Fact> added) {
    if (!plain || added.stream().anyMatch(f -> derives(f) && !plain(f))) {
      return null;
    }
    // own owners: the candidates added, then those removed (so that one changed fact naming the same
    // owner keeps the smallest, whatever else changed in it)
    Map<String, Own> ownNow = new HashMap<>();
    for (Fact f : added) {
      String owner = ownOwner(f);
      if (owner != null) {
        Subject s = f.subject();
        ownNow.compute(s.key(), (k, o) -> {
          Own was = o != null ? o : own.get(k);
          return was == null || was.candidates() == 0 ? new Own(owner, s.type(), 1, 1) : was.plus(owner, s.type());
        });
      }
    }
    for (Fact f : removed) {
      String owner = ownOwner(f);
      if (owner != null) {
        String key = f.subject().key();
        Own was = ownNow.containsKey(key) ? ownNow.get(key) : own.get(key);
        Own now = was == null ? null : was.minus(owner);
        if (now == null) {
          return null; // not counted (cannot be) or the smallest of several gone
        }
        ownNow.put(key, now);
      }
    }
    // derived owners: every fact pointing to a run, model version or system a changed fact names
    Set<Pair> runs = new HashSet<>();
    Set<Pair> versions = new HashSet<>();
    Set<String> systems = new HashSet<>();
    Set<String> derivedKeys = new HashSet<>();
    for (Collection<Fact> side : List.of(removed, added)) {
      for (Fact f : side) {
        if (f instanceof ModelVersion m && !m.owners().isEmpty()) {
          if (m.sourceRunId() != null) {
            runs.add(Pair.of(m.source(), m.sourceRunId()));
          }
          versions.add(Pair.of(m.modelName(), m.version()));
          if (m.isProduction()) {
            systems.add(m.system());
          }
        } else if (f instanceof TrainingRun r) {
          runs.add(Pair.of(r.source(), r.runId()));
          derivedKeys.add(r.subject().key());
        } else if (f instanceof ModelMonitor m) {
          versions.add(Pair.of(m.modelName(), m.version()));
          derivedKeys.add(m.subject().key());
        } else if (f instanceof Attestation a) {
          systems.add(a.system());
          derivedKeys.add(a.subject().key());
        }
      }
    }
    Map<String, Choice> chosen = new HashMap<>();
    if (!runs.isEmpty() || !versions.isEmpty() || !systems.isEmpty()) {
      Groups groups = new Groups();
      List<Fact> pointing = new ArrayList<>();
      PairScreen runScreen = new PairScreen(runs);
      PairScreen versionScreen = new PairScreen(versions);
      for (Fact f : facts) {
        if (f instanceof ModelVersion m) {
          if (!m.owners().isEmpty()) {
            groups.offerVersion(m, runs, runScreen, versions, versionScreen, systems);
          }
        } else if (f instanceof TrainingRun r) {
          if (!runs.isEmpty() && runScreen.mayContain(r.source(), r.runId()) && runs.contains(Pair.of(r.source(), r.runId()))) {
            pointing.add(r);
          }
        } else if (f instanceof ModelMonitor m) {
          if (!versions.isEmpty() && versionScreen.mayContain(m.modelName(), m.version())
              && versions.contains(Pair.of(m.modelName(), m.version()))) {
            pointing.add(m);
          }
        } else if (f instanceof Attestation a && !systems.isEmpty() && systems.contains(a.system())) {
          pointing.add(a);
        }
      }
      for (Fact f : pointing) {
        Subject s = f.subject();
        derivedKeys.add(s.key());
        Candidate from = groups.from(f);
        if (from != null) {
          offer(chosen, s.key(), new Choice(from, s.type()));
        }
      }
    }
    // what changed, as changedSince would tell it, then the new owners in place
    Set<String> touched = new HashSet<>(ownNow.keySet());
    touched.addAll(derivedKeys);
    Map<String, Owned> before = new HashMap<>();
    touched.forEach(k -> before.put(k, owned(k)));
    ownNow.forEach((k, o) -> {
      if (o.candidates() == 0) {
        own.remove(k);
      } else {
        own.put(k, o);
      }
    });
    derivedKeys.forEach(k -> {
      Choice c = chosen.get(k);
      if (c == null) {
        derived.remove(k);
      } else {
        derived.put(k, new Owned(c.from().owner(), c.subjectType()));
      }
    });
    Map<String, String> changed = new HashMap<>();
    for (String k : touched) {
      Owned then = before.get(k);
      Owned now = owned(k);
      if (now != null && (then == null || !then.owner().equals(now.owner()))) {
        changed.put(k, now.subjectType());
      } else if (now == null && then != null) {
        changed.put(k, then.subjectType());
      }
    }
    return changed;
  }

  /** The first owner a model version or dataset names; null for other facts and when it names none. */
  private static String ownOwner(Fact f) {
    if (f instanceof ModelVersion m && !m.owners().isEmpty()) {
      return m.owners().get(0);
    } else if (f instanceof Dataset d && !d.owners().isEmpty()) {
      return d.owners().get(0);
    }
    return null;
  }

  private Owned owned(String subjectKey) {
    Own o = own.get(subjectKey);
    return o != null ? new Owned(o.owner(), o.subjectType()) : derived.get(subjectKey);
  }

  public Optional<String> ownerOf(String subjectKey) {
    Owned o = owned(subjectKey);
    return o == null ? Optional.empty() : Optional.of(o.owner());
  }

  /** Every subject with an owner: its owner and type ("owner subjectType"), for tests comparing two ways to the owners. */
  Map<String, String> all() {
    Map<String, String> out = new HashMap<>();
    derived.forEach((k, o) -> out.put(k, o.owner() + " " + o.subjectType()));
    own.forEach((k, o) -> out.put(k, o.owner() + " " + o.subjectType()));
    return out;
  }

  /** The subjects whose owner differs from {@code before}'s (gained, lost or another), with their subject types. */
  public Map<String, String> changedSince(SubjectOwners before) {
    Map<String, String> out = new HashMap<>();
    Set<String> keys = new HashSet<>(own.keySet());
    keys.addAll(derived.keySet());
    for (String subject : keys) {
      Owned now = owned(subject);
      Owned then = before.owned(subject);
      if (then == null || !then.owner().equals(now.owner())) {
        out.put(subject, now.subjectType());
      }
    }
    Set<String> gone = new HashSet<>(before.own.keySet());
    gone.addAll(before.derived.keySet());
    for (String subject : gone) {
      if (owned(subject) == null) {
        out.put(subject, before.owned(subject).subjectType());
      }
    }
    return out;
  }
}
