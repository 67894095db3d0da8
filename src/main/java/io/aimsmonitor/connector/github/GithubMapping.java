package io.aimsmonitor.connector.github;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.PipelineRun.Job;
import io.aimsmonitor.fact.PipelineRun.Step;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** GitHub's workflow-run and job objects as {@link PipelineRun} facts; see docs/facts.md (github-actions). */
final class GithubMapping {

  static final String CI_SYSTEM = "github-actions";

  private GithubMapping() {}

  /**
   * A workflow run. {@code conclusion} is kept only once {@code status} is {@code completed}, so a
   * run in progress never reads as passed; GitHub has no completion time on a run, and the
   * {@code updated_at} of a completed run is when it completed.
   *
   * @param repository the {@code owner/repo} it was listed under (the run's own {@code repository.full_name} wins)
   */
  static PipelineRun run(String source, Instant now, String repository, JsonNode run) {
    return run(source, now, repository, RunFields.of(run));
  }

  /** The same mapping from the fields read by the streaming page parser ({@link GithubRunsPageParser}). */
  static PipelineRun run(String source, Instant now, String repository, RunFields run) {
    boolean completed = "completed".equals(run.status());
    Instant updatedAt = time(run.updatedAt());
    return new PipelineRun(source, run.htmlUrl(), now, CI_SYSTEM,
        run.repositoryFullName() != null ? run.repositoryFullName() : repository, workflowName(run), run.id(),
        run.headBranch(), run.headSha(), run.status(), completed ? run.conclusion() : null,
        firstNonNull(time(run.runStartedAt()), time(run.createdAt())), completed ? updatedAt : null, null, updatedAt,
        List.of());
  }

  /**
   * The fields of a workflow run object that the mapping reads, each as {@code JsonFields.text}
   * reads it (a scalar as text; null, blank, an object or an array as null).
   */
  record RunFields(String id, String name, String path, String htmlUrl, String headBranch, String headSha,
      String status, String conclusion, String runStartedAt, String createdAt, String updatedAt,
      String repositoryFullName) {

    static RunFields of(JsonNode run) {
      return new RunFields(text(run, "id"), text(run, "name"), text(run, "path"), text(run, "html_url"),
          text(run, "head_branch"), text(run, "head_sha"), text(run, "status"), text(run, "conclusion"),
          text(run, "run_started_at"), text(run, "created_at"), text(run, "updated_at"),
          text(run.path("repository"), "full_name"));
    }
  }

  /** The workflow's name; GitHub falls back to its file path when a workflow has no {@code name:}. */
  static String workflowName(RunFields run) {
    return run.name() != null ? run.name() : run.path();
  }

  static Job job(JsonNode job) {
    List<Step> steps = new ArrayList<>();
    for (JsonNode step : job.path("steps")) {
      steps.add(new Step(text(step, "name"), text(step, "status"),
          "completed".equals(text(step, "status")) ? text(step, "conclusion") : null));
    }
    String status = text(job, "status");
    return new Job(text(job, "name"), status, "completed".equals(status) ? text(job, "conclusion") : null,
        time(job, "started_at"), time(job, "completed_at"), steps);
  }

  static Instant time(JsonNode node, String field) {
    return time(text(node, field));
  }

  static Instant time(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Instant firstNonNull(Instant a, Instant b) {
    return a != null ? a : b;
  }
}
