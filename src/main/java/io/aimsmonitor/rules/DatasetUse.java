package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Dataset;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A dataset as the catalogue merges it ({@link DatasetCatalog#merged()}) with the production models
 * that read it (never empty), derived once by the aims-data pack's {@code @derives} rule, so that
 * its eight dataset rules read it with alpha constraints only, instead of each collecting every
 * dataset, merging its own catalogue and accumulating each dataset's readers: eight catalogues,
 * and eight left tuples and accumulations per dataset, held for the session's life. Equal only to
 * itself (see {@link VersionRuns}).
 *
 * @param dataset the merged dataset
 * @param usedBy display names of the production versions that read it, in the order the accumulate gave them
 */
public record DatasetUse(Dataset dataset, Set<String> usedBy) {

  public DatasetUse {
    usedBy = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(usedBy));
  }

  /** The derived fact from an accumulate's result (a raw {@code Set} in DRL). */
  @SuppressWarnings("unchecked")
  public static DatasetUse of(Dataset dataset, Collection<?> usedBy) {
    return new DatasetUse(dataset, new LinkedHashSet<>((Collection<String>) usedBy));
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
