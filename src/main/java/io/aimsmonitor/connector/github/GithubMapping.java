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
    Instant updatedAt = run.updatedAt();
    Instant started = run.runStartedAt();
    return new PipelineRun(source, run.htmlUrl(), now, CI_SYSTEM,
        run.repositoryFullName() != null ? run.repositoryFullName() : repository, workflowName(run), run.id(),
        run.headBranch(), run.headSha(), run.status(), completed ? run.conclusion() : null,
        started != null ? started : run.createdAt(), completed ? updatedAt : null, null, updatedAt,
        List.of());
  }

  /**
   * The fields of a workflow run object that the mapping reads, each as {@code JsonFields.text}
   * reads it (a scalar as text; null, blank, an object or an array as null), the three times as
   * {@link #time(String)} reads that text (the page scanner reads GitHub's own form straight from
   * the bytes, with no string in between).
   */
  record RunFields(String id, String name, String path, String htmlUrl, String headBranch, String headSha,
      String status, String conclusion, Instant runStartedAt, Instant createdAt, Instant updatedAt,
      String repositoryFullName) {

    static RunFields of(JsonNode run) {
      return new RunFields(text(run, "id"), text(run, "name"), text(run, "path"), text(run, "html_url"),
          text(run, "head_branch"), text(run, "head_sha"), text(run, "status"), text(run, "conclusion"),
          time(run, "run_started_at"), time(run, "created_at"), time(run, "updated_at"),
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
    // a character past Latin-1 becomes '?', which is no digit or separator: null, as it should be
    return v.length() != 20 ? null : utcSeconds(v.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0);
  }

  /** {@link #utcSeconds(String)} of the 20 bytes at {@code from} (ASCII), for the page scanner. */
  static Instant utcSeconds(byte[] v, int from) {
    if (v[from + 4] != '-' || v[from + 7] != '-' || v[from + 10] != 'T' || v[from + 13] != ':'
        || v[from + 16] != ':' || v[from + 19] != 'Z') {
      return null;
    }
    int year = digits(v, from, 4);
    int month = digits(v, from + 5, 2);
    int day = digits(v, from + 8, 2);
    int hour = digits(v, from + 11, 2);
    int minute = digits(v, from + 14, 2);
    int second = digits(v, from + 17, 2);
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

  private static int digits(byte[] s, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      int c = s[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
