package io.aimsmonitor.connector.gitlab;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.ci.PreviousRuns;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.ApiResponse;
import io.aimsmonitor.connector.http.RateLimitPacer;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.PipelineRun.Job;
import io.aimsmonitor.fact.PipelineRun.TestSummary;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Collects GitLab CI pipelines of the configured projects ({@code /api/v4/projects/:id/pipelines},
 * {@code :id} a numeric id or the URL-encoded path), with each finished pipeline's test report
 * summary and, when asked, its jobs. Pages by {@code Link rel="next"} or {@code x-next-page}
 * ({@link GitlabPaging}), {@code per_page=100}; {@code RateLimit-Remaining}/{@code RateLimit-Reset}
 * are paced like GitHub's, and a 429 is waited out within the run's budget.
 *
 * <p>Incremental: with a previous snapshot, only pipelines updated after it (less an hour) are
 * listed ({@code updated_after}); GitLab bumps {@code updated_at} when a pipeline changes state,
 * so a pipeline that was running is listed again when it finishes. The rest are carried over.
 */
final class GitlabCiConnector implements Connector {

  static final String CI_SYSTEM = "gitlab-ci";
  private static final int PER_PAGE = 100;
  private static final Duration OVERLAP = Duration.ofHours(1);
  private static final Logger log = LoggerFactory.getLogger(GitlabCiConnector.class);

  private final ConnectorConfig config;
  private final GitlabOptions options;

  GitlabCiConnector(ConnectorConfig config, GitlabOptions options) {
    this.config = config;
    this.options = options;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    try (ApiClient opened = context.http().open()) {
      ApiClient api = opened.withRateLimitDeadline(now.plus(config.http().runTimeout()));
      RateLimitPacer pacer = new RateLimitPacer(api, context.clock(), "ratelimit-remaining", "ratelimit-reset");
      PreviousRuns previous = PreviousRuns.of(context.previous(), config.id(), context.fullRefresh());
      for (String project : options.projects()) {
        context.cancellation().check();
        new ProjectRun(context, api, pacer, previous, now, project).collect();
      }
    }
  }

  /** One project's pipelines in one run. */
  private final class ProjectRun {
    final CollectContext context;
    final ApiClient api;
    final RateLimitPacer pacer;
    final PreviousRuns previous;
    final Instant now;
    final String id;
    String path;

    ProjectRun(CollectContext context, ApiClient api, RateLimitPacer pacer, PreviousRuns previous, Instant now,
        String project) {
      this.context = context;
      this.api = api;
      this.pacer = pacer;
      this.previous = previous;
      this.now = now;
      this.id = URLEncoder.encode(project, StandardCharsets.UTF_8);
      this.path = project;
    }

    void collect() throws ConnectorException, InterruptedException {
      JsonNode project = get(api.url("/api/v4/projects/" + id, Map.of())).body();
      String named = text(project, "path_with_namespace");
      if (!project.isObject() || named == null) {
        throw malformed(api.url("/api/v4/projects/" + id, Map.of()), "expected a project with path_with_namespace");
      }
      path = named; // an id in the configuration still yields the readable path
      boolean incremental = previous.knows(path);
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("per_page", PER_PAGE);
      query.put("order_by", "updated_at");
      query.put("sort", "desc");
      query.put("ref", options.ref());
      if (options.createdSince() != null) {
        query.put("created_after", options.createdSince().atStartOfDay(ZoneOffset.UTC).toInstant().toString());
      }
      if (incremental) {
        query.put("updated_after", previous.observedAt().minus(OVERLAP).toString());
      }
      Map<String, PipelineRun> runs = new TreeMap<>();
      List<PipelineRun> listed = new ArrayList<>();
      GitlabPaging.pages(api, context, api.url("/api/v4/projects/" + id + "/pipelines", query), Map.of(),
          pacer::beforeRequest, page -> {
            pacer.observe(page);
            if (!page.body().isArray()) {
              throw malformed(page.uri(), "expected a list of pipelines");
            }
            for (JsonNode item : page.body()) {
              if (!item.isObject() || text(item, "id") == null) {
                throw malformed(page.uri(), "a pipeline without an id");
              }
              listed.add(pipeline(item));
            }
            return page.body().size();
          });
      for (PipelineRun run : listed) {
        runs.put(run.runId(), detailed(run));
      }
      if (incremental) {
        for (PipelineRun before : previous.of(path)) {
          runs.putIfAbsent(before.runId(), before.withOrigin(config.id(), now)); // not updated since
        }
      }
      runs.values().forEach(context.sink());
      log.debug("connector '{}': {}: {} pipelines listed, {} in all", config.id(), path, listed.size(), runs.size());
    }

    private PipelineRun pipeline(JsonNode item) {
      String status = text(item, "status");
      String conclusion = conclusion(status);
      Instant updated = time(item, "updated_at");
      String name = text(item, "name");
      return new PipelineRun(config.id(), text(item, "web_url"), now, CI_SYSTEM, path,
          name != null ? name : "pipeline", text(item, "id"), text(item, "ref"), text(item, "sha"), status, conclusion,
          time(item, "created_at"), conclusion == null ? null : updated, null, updated, List.of());
    }

    /** The test summary and jobs of a finished pipeline, reused from the snapshot when the pipeline is unchanged. */
    private PipelineRun detailed(PipelineRun run) throws ConnectorException, InterruptedException {
      if (previous.unchanged(run)) {
        return previous.get(path, run.runId()).withOrigin(config.id(), now);
      }
      if (run.conclusion() == null || (!options.testReports() && !options.jobs())) {
        return run;
      }
      TestSummary tests = options.testReports() ? tests(run.runId()) : null;
      List<Job> jobs = options.jobs() ? jobs(run.runId()) : List.of();
      return new PipelineRun(run.source(), run.sourceUrl(), run.observedAt(), run.ciSystem(), run.repository(),
          run.workflow(), run.runId(), run.branch(), run.commitSha(), run.status(), run.conclusion(), run.startedAt(),
          run.finishedAt(), tests, run.updatedAt(), jobs);
    }

    /** {@code test_report_summary}; null when the pipeline produced no test report. */
    private TestSummary tests(String pipelineId) throws ConnectorException, InterruptedException {
      URI uri = api.url("/api/v4/projects/" + id + "/pipelines/" + pipelineId + "/test_report_summary", Map.of());
      JsonNode total = get(uri).body().path("total");
      if (!total.isObject()) {
        throw malformed(uri, "expected a test report summary with a total object");
      }
      int count = total.path("count").asInt(0);
      if (count == 0) {
        return null;
      }
      return new TestSummary(count, total.path("failed").asInt(0) + total.path("error").asInt(0),
          total.path("skipped").asInt(0));
    }

    private List<Job> jobs(String pipelineId) throws ConnectorException, InterruptedException {
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("per_page", PER_PAGE);
      query.put("include_retried", "false");
      List<Job> jobs = new ArrayList<>();
      GitlabPaging.pages(api, context, api.url("/api/v4/projects/" + id + "/pipelines/" + pipelineId + "/jobs", query),
          Map.of(), pacer::beforeRequest, page -> {
            pacer.observe(page);
            if (!page.body().isArray()) {
              throw malformed(page.uri(), "expected a list of jobs");
            }
            for (JsonNode job : page.body()) {
              String status = text(job, "status");
              jobs.add(new Job(text(job, "name"), status, conclusion(status), time(job, "started_at"),
                  time(job, "finished_at"), List.of()));
            }
            return page.body().size();
          });
      return jobs;
    }

    private ApiResponse get(URI uri) throws ConnectorException, InterruptedException {
      pacer.beforeRequest();
      ApiResponse response = api.get(uri);
      pacer.observe(response);
      return response;
    }
  }

  /** GitLab's finished statuses as the outcome every CI system shares; null while not finished. */
  static String conclusion(String status) {
    if (status == null) {
      return null;
    }
    return switch (status) {
      case "success" -> "success";
      case "failed" -> "failure";
      case "canceled" -> "cancelled";
      case "skipped" -> "skipped";
      default -> null; // created, pending, running, manual, scheduled, ...: not finished
    };
  }

  static Instant time(JsonNode node, String field) {
    String value = text(node, field);
    try {
      return value == null ? null : java.time.OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private ConnectorException malformed(URI uri, String what) {
    return new ConnectorException("malformed", "connector '" + config.id() + "': response from "
        + ApiClient.display(uri) + ": " + what);
  }
}
