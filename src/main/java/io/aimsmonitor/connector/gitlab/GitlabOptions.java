package io.aimsmonitor.connector.gitlab;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.Options;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * The validated {@code options} of a {@code gitlab-ci} instance.
 *
 * @param projects project paths ({@code group/sub/project}) or numeric ids
 * @param ref only pipelines of this branch or tag; null for all
 * @param createdSince only pipelines created on or after this day; null for the whole history
 * @param testReports whether to read each finished pipeline's test report summary
 * @param jobs whether to read each finished pipeline's jobs
 */
record GitlabOptions(List<String> projects, String ref, LocalDate createdSince, boolean testReports, boolean jobs) {

  static final Set<String> KEYS = Set.of("projects", "ref", "createdSince", "testReports", "jobs");

  static GitlabOptions from(ConnectorConfig config) throws ConfigException {
    Options o = new Options(config, KEYS);
    o.requireBaseUrl("https://gitlab.com, or https://gitlab.example.com for a self-managed instance");
    o.allowAuth(Set.of("none", "header", "bearer"));
    if ("header".equals(config.auth().type()) && config.auth().header() != null
        && !Set.of("private-token", "job-token").contains(config.auth().header().toLowerCase(java.util.Locale.ROOT))) {
      o.problem("auth.header", "GitLab reads a token from PRIVATE-TOKEN (or JOB-TOKEN), not '" + config.auth().header() + "'");
    }
    List<String> projects = o.stringList("projects");
    if (projects.isEmpty()) {
      o.problem("options.projects", "name at least one project, by path (group/project) or numeric id");
    }
    for (String p : projects) {
      if (!p.matches("\\d+") && !p.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+")) {
        o.problem("options.projects", "'" + p + "' is neither a project path (group/project) nor a numeric id");
      }
    }
    String ref = o.string("ref", false);
    LocalDate createdSince = null;
    String since = o.string("createdSince", false);
    if (since != null) {
      try {
        createdSince = LocalDate.parse(since);
      } catch (DateTimeParseException e) {
        o.problem("options.createdSince", "expected a date such as 2025-01-01, got '" + since + "'");
      }
    }
    boolean testReports = o.bool("testReports", true);
    boolean jobs = o.bool("jobs", false);
    o.check();
    return new GitlabOptions(projects, ref, createdSince, testReports, jobs);
  }
}
