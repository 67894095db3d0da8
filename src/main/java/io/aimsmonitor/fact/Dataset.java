package io.aimsmonitor.fact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A dataset as a data catalog knows it (DataHub, OpenMetadata, Unity Catalog, OpenLineage events,
 * or an inventory file).
 *
 * @param qualifiedName the catalog's fully qualified name, the join key from {@link TrainingRun.DatasetInput#name()}
 * @param owners explicitly named owners only (a catalog's owner field, an ownership facet): never the
 *     account that created or last changed the entry
 * @param classification sensitivity and PII tags, e.g. {@code PII.Sensitive}, {@code confidential}
 * @param upstream qualified names of the datasets this one is derived from (lineage); empty when unknown
 * @param acquisition where the data was acquired and on what basis (A.7.3); null when not recorded
 * @param domain the business domain the catalog files it under, null when none
 * @param tags the catalog's other tags (those that are not classification), e.g. {@code Tier.Tier1}
 * @param glossaryTerms business glossary terms attached to the dataset
 * @param identifiers other names the same dataset answers to: a DataHub URN, an OpenLineage
 *     {@code namespace/name}, a storage URI. {@link #matchKeys()} is the one place names are matched
 * @param properties other evidence as text: a catalog's custom properties, the schema
 *     ({@code schema.fields}), the SQL that produced it ({@code sql}), the producing job ({@code producedBy})
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
    Instant updatedAt,
    String domain,
    List<String> tags,
    List<String> glossaryTerms,
    List<String> identifiers,
    Map<String, String> properties)
    implements Fact {

  public Dataset {
    owners = owners == null ? List.of() : List.copyOf(owners);
    classification = classification == null ? List.of() : List.copyOf(classification);
    upstream = upstream == null ? List.of() : List.copyOf(upstream);
    qualityChecks = qualityChecks == null ? List.of() : List.copyOf(qualityChecks);
    tags = tags == null ? List.of() : List.copyOf(tags);
    glossaryTerms = glossaryTerms == null ? List.of() : List.copyOf(glossaryTerms);
    identifiers = identifiers == null ? List.of() : List.copyOf(identifiers);
    properties = properties == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  /** The fields every catalog has; domain, tags, glossary terms and other identifiers empty. */
  public Dataset(String source, String sourceUrl, Instant observedAt, String catalog, String qualifiedName, String name,
      List<String> owners, List<String> classification, String description, List<String> upstream,
      List<QualityCheck> qualityChecks, Acquisition acquisition, Instant updatedAt) {
    this(source, sourceUrl, observedAt, catalog, qualifiedName, name, owners, classification, description, upstream,
        qualityChecks, acquisition, updatedAt, null, null, null, null, null);
  }

  /** True when {@code reference} names this dataset (see {@link #matchKeys()}). */
  public boolean isNamed(String reference) {
    return reference != null && matchKeys().contains(key(reference));
  }

  /**
   * Every name this dataset answers to, as {@link #key} forms: its qualified name, its plain name
   * and its {@link #identifiers}. Training run inputs (by name or URI), lineage edges and other
   * catalogs' entries of the same dataset are matched against these, and only these.
   */
  @JsonIgnore
  public Set<String> matchKeys() {
    Set<String> keys = identityKeys();
    if (name != null && !name.isBlank()) {
      keys.add(key(name));
    }
    return keys;
  }

  /**
   * The names that identify this dataset exactly: its qualified name and its {@link #identifiers}.
   * Two facts sharing one are the same dataset seen by two sources; a plain name ("transactions")
   * is too loose for that and is left out.
   */
  @JsonIgnore
  public Set<String> identityKeys() {
    Set<String> keys = new LinkedHashSet<>();
    if (qualifiedName != null && !qualifiedName.isBlank()) {
      keys.add(key(qualifiedName));
    }
    for (String id : identifiers) {
      if (id != null && !id.isBlank()) {
        keys.add(key(id));
      }
    }
    return keys;
  }

  /** How a dataset reference is compared: trimmed, lower case, without a trailing slash. */
  public static String key(String reference) {
    String k = reference.trim().toLowerCase(Locale.ROOT);
    return k.length() > 1 && k.endsWith("/") ? k.substring(0, k.length() - 1) : k;
  }

  @Override
  public Subject subject() {
    return new Subject("Dataset", source + ":" + qualifiedName, qualifiedName, sourceUrl);
  }

  @Override
  public boolean equalsApartFromObservedAt(Fact other) {
    return other instanceof Dataset o && Objects.equals(source, o.source) && Objects.equals(sourceUrl, o.sourceUrl)
        && Objects.equals(catalog, o.catalog) && Objects.equals(qualifiedName, o.qualifiedName)
        && Objects.equals(name, o.name) && Objects.equals(owners, o.owners)
        && Objects.equals(classification, o.classification) && Objects.equals(description, o.description)
        && Objects.equals(upstream, o.upstream) && Objects.equals(qualityChecks, o.qualityChecks)
        && Objects.equals(acquisition, o.acquisition) && Objects.equals(updatedAt, o.updatedAt)
        && Objects.equals(domain, o.domain) && Objects.equals(tags, o.tags)
        && Objects.equals(glossaryTerms, o.glossaryTerms) && Objects.equals(identifiers, o.identifiers)
        && Objects.equals(properties, o.properties);
  }

  @Override
  public Dataset withOrigin(String source, Instant observedAt) {
    return new Dataset(source, sourceUrl, observedAt, catalog, qualifiedName, name, owners,
        classification, description, upstream, qualityChecks, acquisition, updatedAt, domain, tags, glossaryTerms,
        identifiers, properties);
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
