package io.aimsmonitor.connector.github;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code type: github-actions}: workflow runs (and the jobs and steps of chosen workflows) from
 * github.com or GitHub Enterprise Server, as {@link PipelineRun} facts.
 *
 * <pre>
 * id: github-acme
 * type: github-actions
 * baseUrl: https://api.github.com          # GHES: https://github.example.com/api/v3
 * auth: {type: bearer, tokenEnv: GITHUB_TOKEN}
 * options:
 *   repositories: [acme/credit-risk]       # and/or organization: acme
 *   workflows: [train.yml]                 # optional; default every workflow
 *   branch: main                           # optional
 *   createdSince: 2025-01-01               # optional
 *   jobsFor: [train-and-evaluate]          # optional; workflows whose jobs and steps are read
 *   app: {appId: 123, installationId: 456, privateKeyFile: /secrets/app.pem}   # instead of a token
 * </pre>
 *
 * <p>Holds one {@link EtagCache} per instance id for as long as the process runs: connectors are
 * created afresh for every run, the cache of conditional-request validators must outlive them.
 */
public final class GithubActionsConnectorType implements ConnectorType {

  /** Validators kept per instance: enough for the listing pages and job lists of a large organization. */
  static final int CACHE_ENTRIES = 20_000;

  private final Map<String, EtagCache> caches = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "github-actions";
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return Set.of(PipelineRun.class);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    GithubOptions options = GithubOptions.from(config);
    // keyed by id and base URL: an instance pointed elsewhere starts with an empty cache
    EtagCache cache = caches.computeIfAbsent(config.id() + " " + config.baseUrl(), k -> new EtagCache(CACHE_ENTRIES));
    return new GithubActionsConnector(config, options, cache);
  }
}
