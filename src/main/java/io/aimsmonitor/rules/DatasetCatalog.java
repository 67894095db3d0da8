package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every connected source's datasets as one catalog, built once per evaluation. Facts that share
 * an identity ({@link Dataset#identityKeys()}: qualified name, URN, OpenLineage {@code namespace/name})
 * are one dataset seen by several sources, e.g. a table in OpenMetadata and the output of an
 * OpenLineage job: {@link #merged()} holds one {@link Dataset} per such group, so a rule decides
 * on everything the sources together show (an owner named in any of them, the lineage any of them
 * recorded) and reports each dataset once. Names are matched only through {@link Dataset#matchKeys()}.
 * <pre>
 * $datasets : List() from collect( Dataset() )
 * $catalog : DatasetCatalog() from DatasetCatalog.of($datasets)
 * $d : Dataset( empty(owners) ) from $catalog.merged()
 * </pre>
 */
public final class DatasetCatalog {

  /** Lineage-only sources are the last choice for whose identity a merged dataset keeps. */
  private static final Set<String> LINEAGE_CATALOGS = Set.of("openlineage");

  private final List<Dataset> merged;
  private final Set<String> names = new java.util.HashSet<>();

  private DatasetCatalog(List<Group> groups) {
    List<Dataset> datasets = new ArrayList<>(groups.size());
    for (Group g : groups) {
      datasets.add(g.merged());
      names.addAll(g.matchKeys());
    }
    this.merged = List.copyOf(datasets);
  }

  /**
   * The previous catalog built, to build the next one from. Rules call {@link #of} on the collect
   * of every dataset, which Drools evaluates again whenever one dataset changes; building the
   * groups afresh cost work in proportion to every source's datasets (their identity keys, the
   * union-find, every merge) for a change of one. With this, that work is proportional to the
   * datasets that came or went; the rest is identity look-ups. Shared by every session (the
   * catalog is a pure function of its input): a call whose input is unlike the last one's simply
   * builds from scratch, and the last catalog is replaced, never changed.
   */
  private static final AtomicReference<Built> LAST = new AtomicReference<>();

  /** A built catalog's groups: which group each input dataset fell in, and the keys it was grouped by. */
  private record Built(Map<Dataset, Group> groupOf, Map<String, Group> groupByKey) {}

  /** Datasets sharing identity keys, in input order, their merge and the merge's {@link Dataset#matchKeys()}. */
  private record Group(List<Dataset> members, List<String> keys, Dataset merged, Set<String> matchKeys) {}

  public static DatasetCatalog of(Collection<?> facts) {
    List<Dataset> datasets = datasets(facts);
    Built last = LAST.get();
    Built built = last == null ? null : fromLast(last, datasets);
    if (built == null) {
      built = build(datasets);
    }
    LAST.set(built);
    return new DatasetCatalog(ordered(datasets, built));
  }

  /** The catalog as {@link #of} builds it, without the previous one: what it must always equal (tests). */
  static DatasetCatalog ofScratch(Collection<?> facts) {
    List<Dataset> datasets = datasets(facts);
    return new DatasetCatalog(ordered(datasets, build(datasets)));
  }

  private static List<Dataset> datasets(Collection<?> facts) {
    List<Dataset> datasets = new ArrayList<>();
    for (Object o : facts) {
      if (o instanceof Dataset d) {
        datasets.add(d);
      }
    }
    return datasets;
  }

  /** Union-find over shared identity keys of every dataset. */
  private static Built build(List<Dataset> datasets) {
    int[] parent = new int[datasets.size()];
    Map<String, Integer> firstWithKey = new HashMap<>();
    for (int i = 0; i < datasets.size(); i++) {
      parent[i] = i;
      for (String key : datasets.get(i).identityKeys()) {
        Integer other = firstWithKey.putIfAbsent(key, i);
        if (other != null) {
          parent[find(parent, i)] = find(parent, other);
        }
      }
    }
    Map<Integer, List<Dataset>> members = new LinkedHashMap<>();
    for (int i = 0; i < datasets.size(); i++) {
      members.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(datasets.get(i));
    }
    Map<Dataset, Group> groupOf = new IdentityHashMap<>(datasets.size() * 4 / 3 + 1);
    Map<String, Group> groupByKey = new HashMap<>(firstWithKey.size() * 4 / 3 + 1);
    for (List<Dataset> group : members.values()) {
      add(group, groupOf, groupByKey);
    }
    return new Built(groupOf, groupByKey);
  }

  private static void add(List<Dataset> members, Map<Dataset, Group> groupOf, Map<String, Group> groupByKey) {
    Set<String> keys = new LinkedHashSet<>();
    members.forEach(d -> keys.addAll(d.identityKeys()));
    Dataset merged = merge(members);
    Group group = new Group(List.copyOf(members), List.copyOf(keys), merged, Set.copyOf(merged.matchKeys()));
    members.forEach(d -> groupOf.put(d, group));
    keys.forEach(k -> groupByKey.put(k, group));
  }

  /**
   * The groups of {@code datasets} built from the last ones: only the groups a dataset that came or
   * went belongs to, or shares a key with, are grouped and merged again; null when the input is so
   * unlike the last one's (or ordered otherwise within a group) that building afresh is as cheap.
   */
  private static Built fromLast(Built last, List<Dataset> datasets) {
    Map<Dataset, Boolean> present = new IdentityHashMap<>(datasets.size() * 4 / 3 + 1);
    List<Dataset> added = new ArrayList<>();
    for (Dataset d : datasets) {
      if (present.put(d, Boolean.TRUE) == null && !last.groupOf().containsKey(d)) {
        added.add(d);
      }
    }
    if (present.size() != datasets.size()) {
      return null; // one object twice: left to the plain union-find
    }
    int kept = datasets.size() - added.size();
    int removed = last.groupOf().size() - kept;
    if (added.size() + removed > datasets.size() / 4 + 16) {
      return null;
    }
    // groups that lost a member, or that a new dataset joins through a shared key
    Map<Group, Boolean> touched = new IdentityHashMap<>();
    if (removed > 0) {
      last.groupOf().forEach((d, g) -> {
        if (!present.containsKey(d)) {
          touched.put(g, Boolean.TRUE);
        }
      });
    }
    for (Dataset d : added) {
      for (String key : d.identityKeys()) {
        Group g = last.groupByKey().get(key);
        if (g != null) {
          touched.put(g, Boolean.TRUE);
        }
      }
    }
    // every group kept as it was must list its members in the order the input now has them (the
    // merge and the catalog's order follow the input's order)
    Map<Group, Integer> seen = new IdentityHashMap<>();
    for (Dataset d : datasets) {
      Group g = last.groupOf().get(d);
      if (g == null || touched.containsKey(g) || g.members().size() == 1) {
        continue;
      }
      int at = seen.getOrDefault(g, 0);
      if (g.members().get(at) != d) {
        return null;
      }
      seen.put(g, at + 1);
    }
    Map<Dataset, Group> groupOf = new IdentityHashMap<>(datasets.size() * 4 / 3 + 1);
    Map<String, Group> groupByKey = new HashMap<>(last.groupByKey());
    List<Dataset> regroup = new ArrayList<>(added);
    for (Group g : touched.keySet()) {
      g.keys().forEach(k -> groupByKey.remove(k, g));
    }
    for (Dataset d : datasets) {
      Group g = last.groupOf().get(d);
      if (g != null && touched.containsKey(g)) {
        regroup.add(d);
      } else if (g != null) {
        groupOf.put(d, g);
      }
    }
    // the regrouped datasets in input order, as the union-find over everything would see them
    Map<Dataset, Boolean> again = new IdentityHashMap<>();
    regroup.forEach(d -> again.put(d, Boolean.TRUE));
    List<Dataset> inOrder = new ArrayList<>(regroup.size());
    for (Dataset d : datasets) {
      if (again.containsKey(d)) {
        inOrder.add(d);
      }
    }
    Built part = build(inOrder);
    groupOf.putAll(part.groupOf());
    groupByKey.putAll(part.groupByKey());
    return new Built(groupOf, groupByKey);
  }

  /** The groups in the order of each group's first member in the input, as the union-find lists them. */
  private static List<Group> ordered(List<Dataset> datasets, Built built) {
    List<Group> out = new ArrayList<>();
    Map<Group, Boolean> listed = new IdentityHashMap<>();
    for (Dataset d : datasets) {
      Group g = built.groupOf().get(d);
      if (listed.put(g, Boolean.TRUE) == null) {
        out.add(g);
      }
    }
    return out;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  /** One dataset per group of facts about the same dataset. */
  public List<Dataset> merged() {
    return merged;
  }

  /** Input datasets of {@code run} (by name or URI) that no connected source knows, by name. */
  public List<String> uncatalogued(TrainingRun run) {
    List<String> out = new ArrayList<>();
    for (TrainingRun.DatasetInput input : run.inputDatasets()) {
      if (RuleFunctions.blank(input.name())) {
        continue;
      }
      boolean known = names.contains(Dataset.key(input.name()))
          || (!RuleFunctions.blank(input.uri()) && names.contains(Dataset.key(input.uri())));
      if (!known && !out.contains(input.name())) {
        out.add(input.name());
      }
    }
    return out;
  }

  /**
   * The facts of one dataset as one: the identity (source, name, link) of a catalog's fact before
   * a lineage source's; owners, classification, tags, terms, upstream, checks and identifiers
   * from all of them; description, acquisition and domain from the first that has one.
   */
  static Dataset merge(List<Dataset> group) {
    if (group.size() == 1) {
      return group.get(0);
    }
    List<Dataset> ordered = new ArrayList<>(group);
    ordered.sort(Comparator.comparing((Dataset d) -> LINEAGE_CATALOGS.contains(d.catalog()))
        .thenComparing(d -> String.valueOf(d.source())).thenComparing(d -> String.valueOf(d.qualifiedName())));
    Dataset primary = ordered.get(0);
    Set<String> owners = new LinkedHashSet<>();
    Set<String> classification = new LinkedHashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    Set<String> terms = new LinkedHashSet<>();
    Map<String, String> upstream = new LinkedHashMap<>();
    List<Dataset.QualityCheck> checks = new ArrayList<>();
    Set<String> identifiers = new LinkedHashSet<>(primary.identifiers());
    Map<String, String> properties = new java.util.TreeMap<>();
    String description = null;
    String domain = null;
    Dataset.Acquisition acquisition = null;
    Instant updatedAt = null;
    for (Dataset d : ordered) {
      owners.addAll(d.owners());
      classification.addAll(d.classification());
      tags.addAll(d.tags());
      terms.addAll(d.glossaryTerms());
      d.upstream().forEach(u -> upstream.putIfAbsent(Dataset.key(u), u));
      checks.addAll(d.qualityChecks());
      if (d != primary && d.qualifiedName() != null) {
        identifiers.add(d.qualifiedName());
      }
      identifiers.addAll(d.identifiers());
      d.properties().forEach(properties::putIfAbsent);
      description = description == null && !RuleFunctions.blank(d.description()) ? d.description() : description;
      domain = domain == null && !RuleFunctions.blank(d.domain()) ? d.domain() : domain;
      acquisition = acquisition == null ? d.acquisition() : acquisition;
      updatedAt = updatedAt == null || (d.updatedAt() != null && d.updatedAt().isAfter(updatedAt)) ? d.updatedAt()
          : updatedAt;
    }
    identifiers.removeIf(id -> Objects.equals(Dataset.key(id), primary.qualifiedName() == null ? null
        : Dataset.key(primary.qualifiedName())));
    // a group's own members are not its upstream
    Set<String> own = new java.util.HashSet<>();
    ordered.forEach(d -> own.addAll(d.identityKeys()));
    upstream.keySet().removeAll(own);
    return new Dataset(primary.source(), primary.sourceUrl(), primary.observedAt(), primary.catalog(),
        primary.qualifiedName(), primary.name(), List.copyOf(owners), List.copyOf(classification), description,
        List.copyOf(upstream.values()), checks, acquisition, updatedAt, domain, List.copyOf(tags),
        List.copyOf(terms), List.copyOf(identifiers), properties);
  }
}
