package io.aimsmonitor.fact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * One CI/CD pipeline run (GitHub Actions workflow run, GitLab pipeline, Jenkins build).
 *
 * @param status the CI system's run state, e.g. {@code completed}, {@code running}
 * @param conclusion outcome once finished: {@code success}, {@code failure}, {@code cancelled}, ...
 * @param tests test summary when the CI system reports one, else null
 */
public record PipelineRun(
    String source,
    String sourceUrl,
    Instant observedAt,
    String ciSystem,
    String repository,
    String workflow,
    String runId,
    String branch,
    String commitSha,
    String status,
    String conclusion,
    Instant startedAt,
    Instant finishedAt,
    TestSummary tests)
    implements Fact {

  /** True when the run finished and succeeded. */
  @JsonIgnore // derived, not stored: a snapshot holds only the record components
  public boolean isSuccessful() {
    return conclusion != null && conclusion.equalsIgnoreCase("success");
  }

  /** True when this run built {@code sha}; accepts an abbreviated sha of at least 7 characters on either side. */
  public boolean isForCommit(String sha) {
    if (sha == null || commitSha == null || sha.length() < 7 || commitSha.length() < 7) {
      return false;
    }
    return sha.startsWith(commitSha) || commitSha.startsWith(sha);
  }

  @Override
  public Subject subject() {
    return new Subject("PipelineRun", source + ":" + repository + "/" + workflow + "#" + runId,
        repository + " " + workflow + " #" + runId, sourceUrl);
  }

  @Override
  public PipelineRun withOrigin(String source, Instant observedAt) {
    return new PipelineRun(source, sourceUrl, observedAt, ciSystem, repository, workflow, runId, branch,
        commitSha, status, conclusion, startedAt, finishedAt, tests);
  }

  public record TestSummary(int total, int failed, int skipped) {}
}
