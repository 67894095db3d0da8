package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which production models read which datasets, by the name or URI a training run gives for each
 * input, matched against {@link Dataset#matchKeys()}. Dataset rules build it once per evaluation:
 * <pre>
 * accumulate( $m : ModelVersion( production ) and $r : TrainingRun( ref == $m.sourceRun );
 *     $uses : collectList( DatasetUsage.use($m, $r) ) )
 * $usage : DatasetUsage() from DatasetUsage.of($uses)
 * $d : Dataset( empty(owners), $usage.uses(this) ) from $catalog.merged()
 * </pre>
 * so that each dataset is a few map lookups, not a join with every production version.
 */
public final class DatasetUsage {

  /** One production version and the run it was trained in. */
  public record Use(String model, TrainingRun run) {}

  private final Map<String, Set<String>> usersByName = new HashMap<>();

  private DatasetUsage() {}

  public static Use use(ModelVersion m, TrainingRun run) {
    return new Use(m.subject().displayName(), run);
  }

  public static DatasetUsage of(Collection<?> uses) {
    DatasetUsage usage = new DatasetUsage();
    for (Object o : uses) {
      if (o instanceof Use use) {
        for (TrainingRun.DatasetInput input : use.run().inputDatasets()) {
          if (RuleFunctions.blank(input.name())) {
            continue;
          }
          usage.usersByName.computeIfAbsent(Dataset.key(input.name()), k -> new TreeSet<>()).add(use.model());
          if (!RuleFunctions.blank(input.uri())) {
            usage.usersByName.computeIfAbsent(Dataset.key(input.uri()), k -> new TreeSet<>()).add(use.model());
          }
        }
      }
    }
    return usage;
  }

  /** True when a production model read {@code d}. */
  public boolean uses(Dataset d) {
    return !usersOf(d).isEmpty();
  }

  /** Display names of the production models that read {@code d}, sorted. */
  public List<String> usersOf(Dataset d) {
    Set<String> users = new TreeSet<>();
    for (String key : d.matchKeys()) {
      users.addAll(usersByName.getOrDefault(key, Set.of()));
    }
    return List.copyOf(users);
  }
}
