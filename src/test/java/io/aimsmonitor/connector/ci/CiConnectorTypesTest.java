package io.aimsmonitor.connector.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.fact.PipelineRun;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three CI types are registered, provide PipelineRun, and reject bad options naming file and key. */
class CiConnectorTypesTest {

  @TempDir
  Path dir;

  @Test
  void allThreeAreDiscoveredAndProvidePipelineRuns() throws Exception {
    ConnectorTypes types = ConnectorTypes.discover();
    for (String name : Set.of("github-actions", "gitlab-ci", "jenkins")) {
      var config = RegistryTestSupport.load(dir, name + ".yaml", switch (name) {
        case "github-actions" -> "id: gh\ntype: github-actions\nbaseUrl: https://api.github.com\noptions: {repositories: [a/b]}\n";
        case "gitlab-ci" -> "id: gl\ntype: gitlab-ci\nbaseUrl: https://gitlab.com\noptions: {projects: [g/p]}\n";
        default -> "id: jk\ntype: jenkins\nbaseUrl: https://jenkins.example.com\n";
      });
      assertThat(types.get(name).provides(config)).containsExactly(PipelineRun.class);
    }
  }

  @Test
  void githubNamesEveryBadOption() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "gh.yaml", """
        id: gh
        type: github-actions
        baseUrl: https://api.github.com
        auth: {type: basic, username: u, passwordEnv: P}
        options: {repositories: [not-a-repo], createdSince: yesterday, brnch: main}
        """));
    assertThat(e.getMessage()).contains("gh.yaml: options.repositories: 'not-a-repo' is not an owner/repo name")
        .contains("options.createdSince").contains("options.brnch: unknown option").contains("auth.type");
  }

  @Test
  void gitlabNeedsProjectsAndAGitlabTokenHeader() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "gl.yaml", """
        id: gl
        type: gitlab-ci
        baseUrl: https://gitlab.com
        auth: {type: header, header: X-Token, tokenEnv: T}
        """));
    assertThat(e.getMessage()).contains("gl.yaml: options.projects").contains("auth.header");
  }

  @Test
  void jenkinsTakesBasicAuthOnlyAndJobFullNames() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegistryTestSupport.load(dir, "jk.yaml", """
        id: jk
        type: jenkins
        baseUrl: https://jenkins.example.com
        auth: {type: bearer, tokenEnv: T}
        options: {jobs: [/ml/]}
        """));
    assertThat(e.getMessage()).contains("jk.yaml: auth.type").contains("options.jobs: '/ml/'");
  }
}
