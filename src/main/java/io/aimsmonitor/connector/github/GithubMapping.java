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
    String status = text(run, "status");
    boolean completed = "completed".equals(status);
    Instant updatedAt = time(run, "updated_at");
    String repo = text(run.path("repository"), "full_name");
    return new PipelineRun(source, text(run, "html_url"), now, CI_SYSTEM, repo != null ? repo : repository,
        workflowName(run), text(run, "id"), text(run, "head_branch"), text(run, "head_sha"), status,
        completed ? text(run, "conclusion") : null, firstNonNull(time(run, "run_started_at"), time(run, "created_at")),
        completed ? updatedAt : null, null, updatedAt, List.of());
  }

  /** The workflow's name; GitHub falls back to its file path when a workflow has no {@code name:}. */
  static String workflowName(JsonNode run) {
    String name = text(run, "name");
    return name != null ? name : text(run, "path");
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
    String value = text(node, field);
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
