package io.aimsmonitor.connector.gitlab;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import java.util.Set;

/**
 * {@code type: gitlab-ci}: pipelines, their test report summaries and (optionally) jobs from
 * gitlab.com or a self-managed GitLab, as {@link PipelineRun} facts.
 *
 * <pre>
 * id: gitlab-acme
 * type: gitlab-ci
 * baseUrl: https://gitlab.com
 * auth: {type: header, header: PRIVATE-TOKEN, tokenEnv: GITLAB_TOKEN}   # or {type: bearer, tokenEnv: ...}
 * options:
 *   projects: [acme/ml/credit-risk, 4242]
 *   ref: main              # optional
 *   createdSince: 2025-01-01   # optional
 *   testReports: true      # default
 *   jobs: false            # default
 * </pre>
 */
public final class GitlabCiConnectorType implements ConnectorType {

  @Override
  public String name() {
    return "gitlab-ci";
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return Set.of(PipelineRun.class);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    return new GitlabCiConnector(config, GitlabOptions.from(config));
  }
}
