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
    Instant started = time(run.runStartedAt());
    return new PipelineRun(source, run.htmlUrl(), now, CI_SYSTEM,
        run.repositoryFullName() != null ? run.repositoryFullName() : repository, workflowName(run), run.id(),
        run.headBranch(), run.headSha(), run.status(), completed ? run.conclusion() : null,
        started != null ? started : time(run.createdAt()), completed ? updatedAt : null, null, updatedAt,
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
    Instant fast = utcSeconds(value);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * GitHub's own form, {@code 2026-01-31T12:00:00Z}, read without {@code DateTimeFormatter}: the
   * general parser was half the time of a full collection (JFR, GithubCollectBench: four
   * timestamps per run, 40,000 per 10,000 runs), and without a {@code LocalDate} or {@code YearMonth}
   * per value (JFR showed those allocations next). Null for any other form, which
   * {@link Instant#parse} then reads as before.
   */
  static Instant utcSeconds(String v) {
    if (v.length() != 20 || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T' || v.charAt(13) != ':'
        || v.charAt(16) != ':' || v.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 2);
    int day = digits(v, 8, 2);
    int hour = digits(v, 11, 2);
    int minute = digits(v, 14, 2);
    int second = digits(v, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || day > lengthOfMonth(year, month)) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400 + hour * 3_600L + minute * 60L + second);
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /**
   * Days since 1970-01-01 of a valid proleptic Gregorian date, without a {@code LocalDate} (the
   * algorithm of {@code LocalDate.toEpochDay}; year 0 to 9999 here).
   */
  static long epochDay(int year, int month, int day) {
    long y = year;
    long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    total += (367L * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (!(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
        total--;
      }
    }
    return total - 719_528; // days from 0000-01-01 to 1970-01-01
  }

  private static int digits(String s, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
