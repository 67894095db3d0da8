package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

  private DatasetCatalog(List<Dataset> merged) {
    this.merged = List.copyOf(merged);
    merged.forEach(d -> names.addAll(d.matchKeys()));
  }

  public static DatasetCatalog of(Collection<?> facts) {
    List<Dataset> datasets = new ArrayList<>();
    for (Object o : facts) {
      if (o instanceof Dataset d) {
        datasets.add(d);
      }
    }
    // union-find over shared identity keys
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
    Map<Integer, List<Dataset>> groups = new LinkedHashMap<>();
    for (int i = 0; i < datasets.size(); i++) {
      groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(datasets.get(i));
    }
    return new DatasetCatalog(groups.values().stream().map(DatasetCatalog::merge).toList());
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
