package io.aimsmonitor.export;

import io.aimsmonitor.rules.RuleDefinition;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What a writer needs besides the findings.
 *
 * @param toolVersion this build's version, named in SARIF and OCSF
 * @param generatedAt when the export was made
 * @param rules the rules in force: SARIF describes them, JUnit counts the ones without findings as passed
 * @param baseUrl the service's public URL for links into the API; null: links are relative
 */
public record ExportContext(String toolVersion, Instant generatedAt, Collection<RuleDefinition> rules, String baseUrl) {

  public ExportContext {
    rules = List.copyOf(rules);
    toolVersion = toolVersion == null ? "dev" : toolVersion;
  }
}
