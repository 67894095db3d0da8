package io.aimsmonitor.review;

import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.fact.TrainingRun;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

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
 * that changed"), without looking at the other facts. WHY: at 1,000,000 facts taking them from
 * every fact was 1.7 s of a 1% cycle, and even one pass over every fact for the few runs, model
 * versions and systems that changed was 0.46-0.87 s of it (walking a million fact objects). So
 * beside the owners this keeps, per own subject, the number of candidates and how many name the
 * smallest owner, and per run, model version and system a {@link Group}: its candidates and the
 * subject keys of the facts pointing to it.
 */
public final class SubjectOwners {

  /** The subject types of the facts pointing to a run, a model version and a system. */
  private static final String TRAINING_RUN = "TrainingRun";
  private static final String MODEL_MONITOR = "ModelMonitor";
  private static final String ATTESTATION = "Attestation";

  /** A subject's own owner (model version, dataset), from every fact of that subject that names one. */
  private final Map<String, Own> own;
  /**
   * An owner taken from a model version (training run, monitor, attestation), kept only when some
   * fact is not {@link #plain(Fact) plain}; null otherwise: then a subject's key tells its group,
   * and the owner is the group's smallest candidate ({@link #derivedOf}). WHY: a map of them was
   * about 16 MB at 1,000,000 facts, beside the groups that tell the same. An own owner comes first.
   */
  private Map<String, Owned> derived;
  /** Per run in its source (a model version's source and run id, a training run's source and id). */
  private final Groups byRun = new Groups(TRAINING_RUN);
  /** Per model name and version (a monitor's), whatever the source. */
  private final Groups byModelVersion = new Groups(MODEL_MONITOR);
  /** Per AI system (a production model version's, an attestation's). */
  private final Groups bySystem = new Groups(ATTESTATION);
  /**
   * Whether no fact whose owner is taken from another could share its subject key with a fact of
   * another type or group (see {@link #plain(Fact)}). WHY: {@link #update} finds the group of a
   * subject from one of its facts, and the subject's facts must all be in that group.
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

  /** A candidate owner and the subject it comes from, ordered so that the choice is the same whatever the facts' order. */
  private record Candidate(String subjectKey, String owner) {
    boolean before(Candidate other) {
      int bySubject = subjectKey.compareTo(other.subjectKey);
      return bySubject < 0 || (bySubject == 0 && owner.compareTo(other.owner) < 0);
    }
  }

  /**
   * One run, model version or system: the candidates for the owner of the facts pointing to it (the
   * model versions with owners that name it) and the subject keys of those facts ({@link #A_RUN} for
   * a training run), each once per fact (a subject reported twice is there twice, so that one of its
   * facts going leaves it), both as a
   * {@link Bag}. WHY bags, not lists: nearly every run and model version has one candidate and one
   * fact pointing to it, held then without an array (at 1,000,000 facts there are about 650,000
   * groups). Its key is in it: one string (a system) or two (a run in its source, a model's
   * version, each as {@code String.valueOf} gives it).
   */
  private static final class Group {
    final String a;
    final String b;
    Object candidates;
    Object pointing;

    Group(String a, String b) {
      this.a = a;
      this.b = b;
    }

    /** The smallest of {@code candidates}, kept as they change (a subject's owner is asked per finding). */
    Candidate best;

    void addCandidate(Candidate c) {
      candidates = Bag.add(candidates, c);
      if (best == null || c.before(best)) {
        best = c;
      }
    }

    void removeCandidate(Candidate c) {
      candidates = Bag.remove(candidates, c);
      if (c.equals(best)) {
        best = smallest();
      }
    }

    boolean is(String a, String b) {
      return Objects.equals(this.a, a) && Objects.equals(this.b, b);
    }

    static int hash(String a, String b) {
      int h = Objects.hashCode(a) * 0x9E3779B1 + Objects.hashCode(b);
      return h ^ (h >>> 16);
    }

    /** The smallest candidate; null when none. */
    Candidate smallest() {
      Candidate[] best = {null};
      Bag.forEach(candidates, o -> {
        Candidate c = (Candidate) o;
        if (best[0] == null || c.before(best[0])) {
          best[0] = c;
        }
      });
      return best[0];
    }
  }

  /**
   * A multiset held as null (empty), its one element, or an {@code Object[]} whose non-null prefix
   * holds two or more (doubled when full, so that a large group is built in linear time); elements
   * are never null nor arrays, and are compared with {@code equals}.
   */
  static final class Bag {
    private Bag() {}

    static Object add(Object bag, Object x) {
      if (bag == null) {
        return x;
      }
      if (!(bag instanceof Object[] a)) {
        return new Object[] {bag, x};
      }
      int n = size(a);
      Object[] b = n < a.length ? a : Arrays.copyOf(a, 2 * n);
      b[n] = x;
      return b;
    }

    /** The bag without one element equal to {@code x}; the same bag when none is. */
    static Object remove(Object bag, Object x) {
      if (!(bag instanceof Object[] a)) {
        return bag != null && bag.equals(x) ? null : bag;
      }
      int n = size(a);
      for (int i = 0; i < n; i++) {
        if (a[i].equals(x)) {
          if (n == 2) {
            return a[1 - i];
          }
          a[i] = a[n - 1];
          a[n - 1] = null;
          return a;
        }
      }
      return bag;
    }

    static boolean contains(Object bag, Object x) {
      boolean[] found = {false};
      forEach(bag, o -> found[0] |= o.equals(x));
      return found[0];
    }

    static void forEach(Object bag, Consumer<Object> action) {
      if (bag instanceof Object[] a) {
        for (int i = 0; i < a.length && a[i] != null; i++) {
          action.accept(a[i]);
        }
      } else if (bag != null) {
        action.accept(bag);
      }
    }

    /** The length of the non-null prefix. */
    private static int size(Object[] a) {
      int lo = 2;
      int hi = a.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (a[mid] != null) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  /**
   * The groups of one kind (runs, model versions or systems) by their key, in an open-addressing
   * table with linear probing, and the subject type of the facts pointing to them. WHY not a
   * {@code HashMap<Pair, Group>}: its entry and the key object are 56 bytes per group, more than the
   * group itself; here a group costs its 32 bytes and 5-11 bytes of table (measured: docs/benchmarks.md,
   * "Owners kept per run, model version and system").
   */
  private static final class Groups {
    final String pointingType;
    private Group[] slots = new Group[16];
    private int size;

    Groups(String pointingType) {
      this.pointingType = pointingType;
    }

    /** The group of key (a, b); null when none, unless {@code add}: then a new, empty one. */
    Group get(String a, String b, boolean add) {
      int mask = slots.length - 1;
      for (int i = Group.hash(a, b) & mask; ; i = (i + 1) & mask) {
        Group g = slots[i];
        if (g == null) {
          if (!add) {
            return null;
          }
          g = new Group(a, b);
          slots[i] = g;
          if (++size * 3 > slots.length * 2) {
            grow();
          }
          return g;
        }
        if (g.is(a, b)) {
          return g;
        }
      }
    }

    private void grow() {
      Group[] old = slots;
      slots = new Group[old.length * 2];
      int mask = slots.length - 1;
      for (Group g : old) {
        if (g != null) {
          int i = Group.hash(g.a, g.b) & mask;
          while (slots[i] != null) {
            i = (i + 1) & mask;
          }
          slots[i] = g;
        }
      }
    }

    /** Removes {@code g}, moving back the groups after it that probing would no longer reach. */
    void remove(Group g) {
      int mask = slots.length - 1;
      int i = Group.hash(g.a, g.b) & mask;
      while (slots[i] != g) {
        i = (i + 1) & mask;
      }
      slots[i] = null;
      size--;
      for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
        int home = Group.hash(slots[j].a, slots[j].b) & mask;
        // slots[j] stays unless its home is cyclically outside (i, j]
        boolean reachable = i <= j ? i < home && home <= j : i < home || home <= j;
        if (!reachable) {
          slots[i] = slots[j];
          slots[j] = null;
          i = j;
        }
      }
    }

    void forEach(Consumer<Group> action) {
      for (Group g : slots) {
        if (g != null) {
          action.accept(g);
        }
      }
    }
  }

  private SubjectOwners(Map<String, Own> own) {
    this.own = own;
  }

  /**
   * What a training run puts in its run's pointing subjects instead of its subject key, which is
   * {@code source:run/runId}, the group's own key ({@link #keyOf}). WHY: a key string per training
   * run (one per run, with or without an owner) was about 25 MB at 1,000,000 facts.
   */
  private static final Object A_RUN = new Object() {
    @Override
    public String toString() {
      return "a training run";
    }
  };

  /** The subject key a group's pointing element stands for. */
  private static String keyOf(Group g, Object element) {
    return element == A_RUN ? g.a + ":run/" + g.b : (String) element;
  }

  /** A derived owner being chosen: the candidate, and the type of the subject it is for. */
  private record Choice(Candidate from, String subjectType) {}

  private static void offer(Map<String, Choice> map, String key, Choice c) {
    map.merge(key, c, (a, b) -> b.from().before(a.from()) ? b : a);
  }

  /**
   * What one change of the groups touches, for {@link #update}: every subject key pointing to a
   * group changed (before and after), with its derived owner before the change (null: none), taken
   * when the group is first touched (when plain, a subject points to one group only).
   */
  private static final class Touched {
    final Set<Group> groups = Collections.newSetFromMap(new IdentityHashMap<>());
    final Map<String, Owned> before = new HashMap<>();

    void before(Group g, String pointingType) {
      if (groups.add(g)) {
        Owned o = g.best == null ? null : new Owned(g.best.owner(), pointingType);
        Bag.forEach(g.pointing, e -> before.put(keyOf(g, e), o));
      }
    }
  }

  /**
   * Adds {@code f} to the groups (or, {@code add} false, removes one fact equal to it): a model
   * version with owners as a candidate of its run, model version and (in production) system; a
   * training run, monitor or attestation as a subject pointing to its run, model version or system.
   * {@code key} is {@code f}'s subject key; {@code touched} (null: none) is told of each group changed.
   */
  private void index(Fact f, String key, boolean add, Touched touched) {
    if (f instanceof ModelVersion m) {
      if (!m.owners().isEmpty()) {
        Candidate c = new Candidate(key, m.owners().get(0));
        if (m.sourceRunId() != null) {
          change(byRun, String.valueOf(m.source()), String.valueOf(m.sourceRunId()), c, true, add, touched);
        }
        change(byModelVersion, String.valueOf(m.modelName()), String.valueOf(m.version()), c, true, add, touched);
        if (m.isProduction()) {
          change(bySystem, m.system(), null, c, true, add, touched);
        }
      }
    } else if (f instanceof TrainingRun r) {
      change(byRun, String.valueOf(r.source()), String.valueOf(r.runId()), A_RUN, false, add, touched);
    } else if (f instanceof ModelMonitor m) {
      change(byModelVersion, String.valueOf(m.modelName()), String.valueOf(m.version()), key, false, add, touched);
    } else if (f instanceof Attestation a) {
      change(bySystem, a.system(), null, key, false, add, touched);
    }
  }

  /**
   * Adds {@code x} to (or removes one equal to it from) the candidates or the pointing subjects of
   * the group {@code (a, b)} of {@code groups}.
   */
  private static void change(Groups groups, String a, String b, Object x, boolean candidate, boolean add,
      Touched touched) {
    Group g = groups.get(a, b, add);
    if (g == null) {
      return;
    }
    if (touched != null) {
      touched.before(g, groups.pointingType);
    }
    if (candidate) {
      if (add) {
        g.addCandidate((Candidate) x);
      } else {
        g.removeCandidate((Candidate) x);
      }
    } else {
      g.pointing = add ? Bag.add(g.pointing, x) : Bag.remove(g.pointing, x);
      if (add && touched != null) {
        touched.before.putIfAbsent(keyOf(g, x), null); // pointing to no group before
      }
    }
    if (g.candidates == null && g.pointing == null) {
      groups.remove(g); // a subject key touched keeps the group: it no longer points to it
    }
  }

  private static boolean derives(Fact f) {
    return f instanceof TrainingRun || f instanceof ModelMonitor || f instanceof Attestation;
  }

  /**
   * Whether the subject key of a fact whose owner is taken from another determines its type and the
   * run, model version or system it points to: true unless a separator of the key is also part of
   * a name in it (a source with ':', a monitored model with '/' or '#', ...). WHY: then every fact
   * of a subject is in one group, and one fact that is not plain makes {@link #update} take the
   * owners from every fact. For a training run, key
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
          && !"run".equals(a.type()) && a.system() != null;
    }
    return true;
  }

  private static boolean has(String s, char c) {
    return s != null && s.indexOf(c) >= 0;
  }

  /** The owners every fact of {@code facts} implies. */
  public static SubjectOwners of(List<Fact> facts) {
    SubjectOwners owners = new SubjectOwners(new HashMap<>());
    boolean plain = true;
    for (Fact f : facts) {
      if (f instanceof ModelVersion m && !m.owners().isEmpty()) {
        Subject s = m.subject();
        addOwn(owners.own, s.key(), m.owners().get(0), s.type());
        owners.index(m, s.key(), true, null);
      } else if (f instanceof Dataset d && !d.owners().isEmpty()) {
        Subject s = d.subject();
        addOwn(owners.own, s.key(), d.owners().get(0), s.type());
      } else if (derives(f)) {
        plain &= plain(f);
        owners.index(f, f.subject().key(), true, null);
      }
    }
    owners.plain = plain;
    if (!plain) {
      // per subject the smallest of the candidates of the groups its facts point to (several, when not plain)
      Map<String, Choice> chosen = new HashMap<>();
      owners.forEachPointing((g, groups) -> Bag.forEach(g.pointing,
          e -> offer(chosen, keyOf(g, e), new Choice(g.best, groups.pointingType))));
      owners.derived = new HashMap<>();
      chosen.forEach((subject, c) -> owners.derived.put(subject, new Owned(c.from().owner(), c.subjectType())));
    }
    return owners;
  }

  private static void addOwn(Map<String, Own> own, String key, String owner, String type) {
    own.merge(key, new Own(owner, type, 1, 1), (a, b) -> a.plus(b.owner(), b.subjectType()));
  }

  /**
   * Brings these owners up to date with a change of the facts, as {@link #of} over {@code facts}
   * would take them. This instance then stands for {@code facts}: the caller keeps it only if what
   * it does with it commits (a failed sync drops it, and the next takes the owners from every fact).
   * Its cost is that of the change: what this keeps and the change tell the owners, without every
   * fact.
   *
   * @param removed the facts gone since the facts these owners stand for, and the changed ones as they were
   * @param added the facts new since, and the changed ones as they are now
   * @return the subjects whose owner changed (gained, lost or another) with their types, as
   *     {@link #changedSince} gives them; null when it cannot be told from the change (a smallest
   *     own candidate gone while others are left, a fact that is not {@link #plain(Fact) plain}):
   *     then nothing was changed here and the caller takes the owners from every fact
   */
  public Map<String, String> update(Collection<Fact> removed, Collection<Fact> added) {
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
    // derived owners: the groups the changed facts are in, as they were and are, and every subject
    // pointing to them. Nothing above changed this instance; from here on it is changed.
    Touched touched = new Touched();
    for (Fact f : removed) {
      if (f instanceof ModelVersion || derives(f)) {
        index(f, f.subject().key(), false, touched);
      }
    }
    for (Fact f : added) {
      if (f instanceof ModelVersion || derives(f)) {
        index(f, f.subject().key(), true, touched);
      }
    }
    // what changed, as changedSince would tell it: the owners before (own ones not yet changed,
    // derived ones as the groups were), then the own owners in place and the owners now
    Set<String> keys = new HashSet<>(ownNow.keySet());
    keys.addAll(touched.before.keySet());
    Map<String, Owned> before = new HashMap<>();
    keys.forEach(k -> {
      Own o = own.get(k);
      before.put(k, o != null ? new Owned(o.owner(), o.subjectType()) : touched.before.get(k));
    });
    ownNow.forEach((k, o) -> {
      if (o.candidates() == 0) {
        own.remove(k);
      } else {
        own.put(k, o);
      }
    });
    Map<String, String> changed = new HashMap<>();
    for (String k : keys) {
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
    return o != null ? new Owned(o.owner(), o.subjectType()) : derived != null ? derived.get(subjectKey) : derivedOf(subjectKey);
  }

  /**
   * A subject's derived owner when every fact is {@link #plain(Fact) plain}: its key tells its type
   * and group ({@code source:run/runId}, {@code source:model[/version]#signal},
   * {@code source:type/system}), and the subject is one the group's facts point to.
   */
  private Owned derivedOf(String k) {
    int colon = k.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String rest = k.substring(colon + 1);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      String modelVersion = rest.substring(0, hash); // a plain monitor's model has no '/', its version no '#'
      int slash = modelVersion.indexOf('/');
      return slash < 0 ? pointed(byModelVersion, modelVersion, "null", k)
          : pointed(byModelVersion, modelVersion.substring(0, slash), modelVersion.substring(slash + 1), k);
    }
    if (rest.startsWith("run/")) {
      Group g = byRun.get(k.substring(0, colon), rest.substring(4), false);
      return g == null || g.best == null || !Bag.contains(g.pointing, A_RUN) ? null : new Owned(g.best.owner(), TRAINING_RUN);
    }
    int slash = rest.indexOf('/');
    return slash < 0 ? null : pointed(bySystem, rest.substring(slash + 1), null, k);
  }

  /** The owner of subject {@code k} when it points to group (a, b) of {@code groups}; null otherwise. */
  private static Owned pointed(Groups groups, String a, String b, String k) {
    Group g = groups.get(a, b, false);
    return g == null || g.best == null || !Bag.contains(g.pointing, k) ? null : new Owned(g.best.owner(), groups.pointingType);
  }

  /** Each group with a candidate and a subject pointing to it, with its table. */
  private void forEachPointing(java.util.function.BiConsumer<Group, Groups> action) {
    for (Groups groups : List.of(byRun, byModelVersion, bySystem)) {
      groups.forEach(g -> {
        if (g.best != null && g.pointing != null) {
          action.accept(g, groups);
        }
      });
    }
  }

  /** Each subject with a derived owner (once or more), with it. */
  private void forEachDerived(java.util.function.BiConsumer<String, Owned> action) {
    if (derived != null) {
      derived.forEach(action);
    } else {
      forEachPointing((g, groups) -> {
        Owned o = new Owned(g.best.owner(), groups.pointingType);
        Bag.forEach(g.pointing, e -> action.accept(keyOf(g, e), o));
      });
    }
  }

  public Optional<String> ownerOf(String subjectKey) {
    Owned o = owned(subjectKey);
    return o == null ? Optional.empty() : Optional.of(o.owner());
  }

  /** Every subject with an owner: its owner and type ("owner subjectType"), for tests comparing two ways to the owners. */
  Map<String, String> all() {
    Map<String, String> out = new HashMap<>();
    forEachDerived((k, o) -> out.put(k, o.owner() + " " + o.subjectType()));
    own.forEach((k, o) -> out.put(k, o.owner() + " " + o.subjectType()));
    return out;
  }

  /** The subjects whose owner differs from {@code before}'s (gained, lost or another), with their subject types. */
  public Map<String, String> changedSince(SubjectOwners before) {
    Map<String, String> out = new HashMap<>();
    Set<String> keys = new HashSet<>(own.keySet());
    forEachDerived((k, o) -> keys.add(k));
    for (String subject : keys) {
      Owned now = owned(subject);
      Owned then = before.owned(subject);
      if (then == null || !then.owner().equals(now.owner())) {
        out.put(subject, now.subjectType());
      }
    }
    Set<String> gone = new HashSet<>(before.own.keySet());
    before.forEachDerived((k, o) -> gone.add(k));
    for (String subject : gone) {
      if (owned(subject) == null) {
        out.put(subject, before.owned(subject).subjectType());
      }
    }
    return out;
  }
}
