package io.aimsmonitor.fact;

import java.time.Instant;
import java.util.List;

/**
 * A dataset as a data catalog knows it (DataHub, OpenMetadata, Unity Catalog, or an inventory file).
 *
 * @param qualifiedName the catalog's fully qualified name, the join key from {@link TrainingRun.DatasetInput#name()}
 * @param classification sensitivity and PII tags, e.g. {@code PII.Sensitive}, {@code confidential}
 * @param upstream qualified names of the datasets this one is derived from (lineage); empty when unknown
 * @param acquisition where the data was acquired and on what basis (A.7.3); null when not recorded
 */
public record Dataset(
    String source,
    String sourceUrl,
    Instant observedAt,
    String catalog,
    String qualifiedName,
    String name,
    List<String> owners,
    List<String> classification,
    String description,
    List<String> upstream,
    List<QualityCheck> qualityChecks,
    Acquisition acquisition,
    Instant updatedAt)
    implements Fact {

  public Dataset {
    owners = owners == null ? List.of() : List.copyOf(owners);
    classification = classification == null ? List.of() : List.copyOf(classification);
    upstream = upstream == null ? List.of() : List.copyOf(upstream);
    qualityChecks = qualityChecks == null ? List.of() : List.copyOf(qualityChecks);
  }

  /** True when {@code reference} names this dataset by qualified name or plain name (case-insensitive). */
  public boolean isNamed(String reference) {
    return reference != null
        && (reference.equalsIgnoreCase(qualifiedName) || (name != null && reference.equalsIgnoreCase(name)));
  }

  @Override
  public Subject subject() {
    return new Subject("Dataset", source + ":" + qualifiedName, qualifiedName, sourceUrl);
  }

  @Override
  public Dataset withOrigin(String source, Instant observedAt) {
    return new Dataset(source, sourceUrl, observedAt, catalog, qualifiedName, name, owners,
        classification, description, upstream, qualityChecks, acquisition, updatedAt);
  }

  /** A data quality test (Great Expectations suite, dbt test, DataHub assertion) and its last result. */
  public record QualityCheck(String name, String lastResult, Instant lastRunAt) {
    public boolean passed() {
      return lastResult != null && (lastResult.equalsIgnoreCase("success") || lastResult.equalsIgnoreCase("passed"));
    }
  }

  /** Acquisition record (A.7.3): origin, licence and legal basis. */
  public record Acquisition(String origin, String license, String legalBasis, Instant acquiredAt) {}
}
