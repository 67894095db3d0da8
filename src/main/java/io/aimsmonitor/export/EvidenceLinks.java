package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;

/**
 * Where a reader of an export checks a finding: the object in its source system, the connector
 * run whose snapshot was decided on, and the finding (with its full evidence and history) in this
 * service's API.
 *
 * @param sourceUrl deep link to the subject in its source system; null when the source has none
 * @param source the connector instance; null for organisation-level subjects
 * @param snapshot id of the connector run whose snapshot the rule read; null when unknown
 * @param findingUrl the finding in the API; relative ({@code /api/findings/<id>}) unless a base URL is configured
 */
public record EvidenceLinks(String sourceUrl, String source, Long snapshot, String findingUrl) {

  public static EvidenceLinks of(Finding f, String baseUrl) {
    Object snapshot = f.evidence().get("snapshot");
    Long run = snapshot instanceof Number n ? n.longValue() : null;
    String base = baseUrl == null ? "" : baseUrl.replaceAll("/+$", "");
    return new EvidenceLinks(f.subject().url(), f.source(), run, base + "/api/findings/" + f.id());
  }
}
