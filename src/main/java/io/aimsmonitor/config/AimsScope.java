package io.aimsmonitor.config;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Ref;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.rules.RuleFunctions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The AIMS scope selector, applied by {@code MonitorService} to the facts before the rules see
 * them: out-of-scope model versions are dropped, and with them the training runs and monitors
 * that belong only to out-of-scope versions, so no finding is ever raised about them. Datasets,
 * pipeline runs and attestations stay: rules reach them only through in-scope versions.
 */
public final class AimsScope implements UnaryOperator<List<Fact>> {

  private final ScopeProperties properties;
  private final List<Pattern> include;
  private final List<Pattern> exclude;

  public AimsScope(ScopeProperties properties) {
    this.properties = properties;
    this.include = properties.include().stream().map(RuleFunctions::glob).toList();
    this.exclude = properties.exclude().stream().map(RuleFunctions::glob).toList();
  }

  /** True when {@code m} is inside the AIMS scope. */
  public boolean inScope(ModelVersion m) {
    String name = m.modelName() == null ? "" : m.modelName();
    return (properties.registries().isEmpty() || RuleFunctions.containsIgnoreCase(properties.registries(), m.registry()))
        && (include.isEmpty() || include.stream().anyMatch(p -> p.matcher(name).matches()))
        && exclude.stream().noneMatch(p -> p.matcher(name).matches())
        && properties.requiredTags().stream().allMatch(t -> hasTag(m, t))
        && properties.excludedTags().stream().noneMatch(t -> hasTag(m, t));
  }

  /** {@code key=value}: the tag has that value (ignoring case); {@code key}: the tag is set and not blank. */
  static boolean hasTag(ModelVersion m, String spec) {
    int eq = spec.indexOf('=');
    String key = (eq < 0 ? spec : spec.substring(0, eq)).trim();
    String value = m.tag(key);
    if (eq < 0) {
      return !RuleFunctions.blank(value);
    }
    return value != null && value.trim().equalsIgnoreCase(spec.substring(eq + 1).trim());
  }

  @Override
  public List<Fact> apply(List<Fact> facts) {
    // runs by (namespace, id): an out-of-scope version of one server says nothing about another's run
    Set<Ref> inRuns = new HashSet<>();
    Set<Ref> outRuns = new HashSet<>();
    Set<String> inModels = new HashSet<>();
    Set<String> outModels = new HashSet<>();
    Set<ModelVersion> dropped = new HashSet<>();
    for (Fact fact : facts) {
      if (fact instanceof ModelVersion m) {
        boolean in = inScope(m);
        (in ? inModels : outModels).add(m.modelName());
        if (m.sourceRun() != null) {
          (in ? inRuns : outRuns).add(m.sourceRun());
        }
        if (!in) {
          dropped.add(m);
        }
      }
    }
    if (dropped.isEmpty()) {
      return facts;
    }
    // A run or monitor shared with an in-scope version stays: it is evidence about that version too.
    outRuns.removeAll(inRuns);
    outModels.removeAll(inModels);
    List<Fact> out = new ArrayList<>(facts.size());
    for (Fact fact : facts) {
      boolean drop = (fact instanceof ModelVersion m && dropped.contains(m))
          || (fact instanceof TrainingRun r && outRuns.contains(r.ref()))
          || (fact instanceof ModelMonitor mon && outModels.contains(mon.modelName()));
      if (!drop) {
        out.add(fact);
      }
    }
    return out;
  }
}
