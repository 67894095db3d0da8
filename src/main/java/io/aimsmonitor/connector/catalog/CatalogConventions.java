package io.aimsmonitor.connector.catalog;

import io.aimsmonitor.connector.registry.Options;
import io.aimsmonitor.fact.Dataset;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Conventions shared by the data catalog connectors (datahub, openmetadata, unity-catalog), so
 * that a label means the same in every catalog's {@code Dataset} facts.
 *
 * @param classificationPrefixes a tag or glossary term is a classification (sensitivity, PII) when
 *     its name is one of these or starts with one followed by {@code .}, {@code :} or {@code /}
 *     (case-insensitive): {@code PII.Sensitive}, {@code Classification.Confidential}, {@code pii}
 * @param lineageNamespaces the OpenLineage namespace of each platform, service or catalog, so that
 *     a catalog dataset also answers to {@code <namespace>/<name>}, the identity OpenLineage events
 *     give it (docs/lineage.md)
 */
public record CatalogConventions(List<String> classificationPrefixes, Map<String, String> lineageNamespaces) {

  public static final List<String> DEFAULT_CLASSIFICATION_PREFIXES = List.of("Classification", "PII",
      "Sensitivity", "Sensitive", "Confidentiality", "Confidential", "Public", "Internal", "Restricted");

  public CatalogConventions {
    classificationPrefixes = List.copyOf(classificationPrefixes);
    lineageNamespaces = Map.copyOf(lineageNamespaces);
  }

  /** The option keys every catalog connector accepts for these conventions. */
  public static final List<String> OPTION_KEYS = List.of("classificationPrefixes", "lineageNamespaces");

  /** Reads {@code options.classificationPrefixes} and {@code options.lineageNamespaces}. */
  public static CatalogConventions read(Options options) {
    List<String> prefixes = options.stringList("classificationPrefixes");
    return new CatalogConventions(prefixes.isEmpty() ? DEFAULT_CLASSIFICATION_PREFIXES : prefixes,
        options.stringMap("lineageNamespaces"));
  }

  /** True when {@code label} (a tag or term name) is a classification. */
  public boolean isClassification(String label) {
    if (label == null || label.isBlank()) {
      return false;
    }
    String l = label.trim().toLowerCase(Locale.ROOT);
    for (String prefix : classificationPrefixes) {
      String p = prefix.toLowerCase(Locale.ROOT);
      if (l.equals(p) || (l.startsWith(p) && ".:/".indexOf(l.charAt(p.length())) >= 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code <namespace>/<name>} when {@code container} (a platform, service or catalog) has an
   * OpenLineage namespace configured, else null.
   */
  public String lineageIdentifier(String container, String name) {
    if (container == null || name == null) {
      return null;
    }
    String namespace = lineageNamespaces.get(container);
    return namespace == null ? null : lineageName(namespace, name);
  }

  /**
   * The acquisition record (A.7.3) a catalog keeps as custom properties {@code acquisition.origin},
   * {@code acquisition.license}, {@code acquisition.legalBasis} and {@code acquisition.acquiredAt}
   * (ISO-8601 date or time); null when none of them is set. No catalog has first-class fields for it.
   */
  public static Dataset.Acquisition acquisition(Map<String, String> properties) {
    String origin = properties.get("acquisition.origin");
    String license = properties.get("acquisition.license");
    String legalBasis = properties.get("acquisition.legalBasis");
    String acquiredAt = properties.get("acquisition.acquiredAt");
    if (origin == null && license == null && legalBasis == null && acquiredAt == null) {
      return null;
    }
    Instant at = null;
    if (acquiredAt != null) {
      try {
        at = acquiredAt.length() == 10 ? java.time.LocalDate.parse(acquiredAt).atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant() : Instant.parse(acquiredAt);
      } catch (java.time.format.DateTimeParseException e) {
        at = null; // kept visible as the property itself
      }
    }
    return new Dataset.Acquisition(origin, license, legalBasis, at);
  }

  /** The one spelling of an OpenLineage dataset identity as a single name: {@code namespace/name}. */
  public static String lineageName(String namespace, String name) {
    String ns = namespace.endsWith("/") ? namespace.substring(0, namespace.length() - 1) : namespace;
    return ns + "/" + (name.startsWith("/") ? name.substring(1) : name);
  }
}
