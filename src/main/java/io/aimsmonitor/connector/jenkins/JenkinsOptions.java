package io.aimsmonitor.connector.jenkins;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.Options;
import java.util.List;
import java.util.Set;

/**
 * The validated {@code options} of a {@code jenkins} instance.
 *
 * @param jobs full names of jobs or folders to read ({@code ml/fraud-train}); folders are walked
 *     recursively; empty reads every job from the root
 * @param maxDepth how deep folders are walked
 */
record JenkinsOptions(List<String> jobs, int maxDepth) {

  static final Set<String> KEYS = Set.of("jobs", "maxDepth");

  static JenkinsOptions from(ConnectorConfig config) throws ConfigException {
    Options o = new Options(config, KEYS);
    o.requireBaseUrl("https://jenkins.example.com (the root, or the context path such as https://ci.example.com/jenkins)");
    o.allowAuth(Set.of("none", "basic"));
    List<String> jobs = o.stringList("jobs");
    for (String job : jobs) {
      if (job.startsWith("/") || job.endsWith("/") || job.contains("//")) {
        o.problem("options.jobs", "'" + job + "' is not a job full name such as folder/job");
      }
    }
    int maxDepth = o.integer("maxDepth", 10, 1, 50);
    o.check();
    return new JenkinsOptions(jobs, maxDepth);
  }
}
