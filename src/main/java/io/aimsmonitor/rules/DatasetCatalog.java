package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.TrainingRun;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names the connected data catalogs answer to (qualified and plain names, ignoring case, as
 * {@link Dataset#isNamed} matches), built once per evaluation so that checking a run's inputs is a
 * lookup per input rather than a scan of every dataset:
 * <pre>
 * $catalog : DatasetCatalog() from DatasetCatalog.of($datasets)
 * </pre>
 */
public final class DatasetCatalog {

  private final Set<String> names = new HashSet<>();

  private DatasetCatalog() {}

  public static DatasetCatalog of(Collection<?> datasets) {
    DatasetCatalog catalog = new DatasetCatalog();
    for (Object o : datasets) {
      if (o instanceof Dataset d) {
        for (String n : new String[] {d.qualifiedName(), d.name()}) {
          if (n != null) {
            catalog.names.add(n.trim().toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return catalog;
  }

  /** Input dataset names of {@code run} that no catalogued dataset answers to. */
  public List<String> uncatalogued(TrainingRun run) {
    return RuleFunctions.inputNames(run).stream()
        .filter(n -> !names.contains(n.trim().toLowerCase(Locale.ROOT))).toList();
  }
}
