package io.aimsmonitor.connector.jenkins;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import java.util.Set;

/**
 * {@code type: jenkins}: builds of Jenkins jobs (inside folders too) as {@link PipelineRun} facts.
 *
 * <pre>
 * id: jenkins-ml
 * type: jenkins
 * baseUrl: https://jenkins.example.com
 * auth: {type: basic, username: aims-monitor, passwordEnv: JENKINS_API_TOKEN}   # an API token, not a password
 * options:
 *   jobs: [ml]          # optional: jobs or folders (walked recursively); default every job
 *   maxDepth: 10        # optional
 * </pre>
 */
public final class JenkinsConnectorType implements ConnectorType {

  @Override
  public String name() {
    return "jenkins";
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return Set.of(PipelineRun.class);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    return new JenkinsConnector(config, JenkinsOptions.from(config));
  }
}
