package io.aimsmonitor.connector.github;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.Options;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated {@code options} of a {@code github-actions} instance.
 *
 * @param repositories {@code owner/repo} names to read
 * @param organization an organization whose repositories are all read (in addition to {@code repositories})
 * @param workflows workflow file names ({@code train.yml}) or ids; empty reads the runs of every workflow
 * @param branch only runs on this branch; null for all
 * @param createdSince only runs created on or after this day; null for the whole history
 * @param jobsFor workflows (by name or file name, {@code *} for all) whose finished runs' jobs and steps are read
 * @param includeArchived whether an organization's archived repositories are read
 * @param app GitHub App credentials, or null for token (or no) auth
 */
record GithubOptions(List<String> repositories, String organization, List<String> workflows, String branch,
    LocalDate createdSince, List<String> jobsFor, boolean includeArchived, App app) {

  static final Set<String> KEYS = Set.of("repositories", "organization", "workflows", "branch", "createdSince",
      "jobsFor", "includeArchived", "app");
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9_.-]+");

  /**
   * A GitHub App installation: the connector signs a JWT with the app's private key and exchanges
   * it for an installation token at the start of each run (and again before that token expires).
   */
  record App(String appId, String installationId, Path privateKeyFile) {}

  static GithubOptions from(ConnectorConfig config) throws ConfigException {
    Options o = new Options(config, KEYS);
    o.requireBaseUrl("https://api.github.com, or https://github.example.com/api/v3 for GitHub Enterprise Server");
    List<String> repositories = o.stringList("repositories");
    for (String r : repositories) {
      if (!REPOSITORY.matcher(r).matches()) {
        o.problem("options.repositories", "'" + r + "' is not an owner/repo name");
      }
    }
    String organization = o.string("organization", false);
    if (organization != null && !LOGIN.matcher(organization).matches()) {
      o.problem("options.organization", "'" + organization + "' is not an organization login");
    }
    if (repositories.isEmpty() && organization == null) {
      o.problem("options.repositories", "name at least one owner/repo, or set options.organization to read all"
          + " repositories of an organization");
    }
    List<String> workflows = o.stringList("workflows");
    String branch = o.string("branch", false);
    LocalDate createdSince = null;
    String since = o.string("createdSince", false);
    if (since != null) {
      try {
        createdSince = LocalDate.parse(since);
      } catch (DateTimeParseException e) {
        o.problem("options.createdSince", "expected a date such as 2025-01-01, got '" + since + "'");
      }
    }
    List<String> jobsFor = o.stringList("jobsFor");
    boolean includeArchived = o.bool("includeArchived", false);
    App app = app(config, o);
    if (!config.options().containsKey("app")) {
      o.allowAuth(Set.of("none", "bearer"));
    } else if (!"none".equals(config.auth().type())) {
      o.problem("auth.type", "leave auth out (or type none) when options.app is set: the connector authenticates"
          + " as the GitHub App installation");
    }
    o.check();
    return new GithubOptions(repositories, organization, workflows, branch, createdSince, jobsFor, includeArchived,
        app);
  }

  private static App app(ConnectorConfig config, Options o) {
    Object raw = config.options().get("app");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?> map)) {
      o.problem("options.app", "expected a mapping with appId, installationId and privateKeyFile");
      return null;
    }
    for (Object key : map.keySet()) {
      if (!Set.of("appId", "installationId", "privateKeyFile").contains(String.valueOf(key))) {
        o.problem("options.app." + key, "unknown key (expected appId, installationId, privateKeyFile)");
      }
    }
    String appId = digits(o, map.get("appId"), "appId");
    String installationId = digits(o, map.get("installationId"), "installationId");
    Object file = map.get("privateKeyFile");
    if (file == null || file.toString().isBlank()) {
      o.problem("options.app.privateKeyFile", "is required: the PEM file of the app's private key (mounted secret)");
      return null;
    }
    Path path = Path.of(file.toString().trim());
    if (!path.isAbsolute() && config.file() != null && config.file().getParent() != null) {
      path = config.file().getParent().resolve(path);
    }
    return appId == null || installationId == null ? null : new App(appId, installationId, path);
  }

  private static String digits(Options o, Object value, String key) {
    String s = value == null ? "" : value.toString().trim();
    if (!s.matches("\\d{1,19}")) {
      o.problem("options.app." + key, "expected the numeric " + key + ", got '" + s + "'");
      return null;
    }
    return s;
  }

  /** True when the jobs of a run of this workflow are wanted. */
  boolean wantsJobs(String workflowName, String workflowPath) {
    if (jobsFor.isEmpty()) {
      return false;
    }
    String file = workflowPath == null ? null : fileName(workflowPath);
    return jobsFor.stream().anyMatch(w -> w.equals("*") || w.equalsIgnoreCase(workflowName) || w.equals(file));
  }

  /** {@code build.yml} from {@code .github/workflows/build.yml@main}. */
  static String fileName(String path) {
    String p = path.contains("@") ? path.substring(0, path.indexOf('@')) : path;
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
