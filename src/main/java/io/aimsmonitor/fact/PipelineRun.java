package io.aimsmonitor.fact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One CI/CD pipeline run (GitHub Actions workflow run, GitLab pipeline, Jenkins build).
 *
 * <p>Joins: {@link #commitSha()} is the key rules join a model version's commit to (full and
 * abbreviated shas of 7+ characters match, see {@link #isForCommit}). The join is by commit alone,
 * across repositories and CI systems: a git sha names the same content wherever it is built, so a
 * model trained from several repositories finds the runs of each. {@link #repository()} says where
 * the run was found, for evidence and for rules that want to narrow the join.
 *
 * @param repository where the run was found: {@code owner/repo} (GitHub), the project path
 *     (GitLab), the job's full name (Jenkins)
 * @param status the CI system's run state, e.g. {@code completed}, {@code in_progress}, {@code running}
 * @param conclusion outcome once finished: {@code success}, {@code failure}, {@code cancelled}, ...;
 *     null while the run is in progress
 * @param tests test summary when the CI system reports one, else null
 * @param updatedAt when the CI system last changed the run, if it says; incremental collection keys on it
 * @param jobs the run's jobs and their steps, when the connector was asked for them; empty otherwise
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
    TestSummary tests,
    Instant updatedAt,
    List<Job> jobs)
    implements Fact {

  /** States in which a run has not finished, across GitHub, GitLab and Jenkins (compared in lower case). */
  private static final Set<String> UNFINISHED = Set.of("queued", "in_progress", "requested", "waiting", "pending",
      "running", "created", "preparing", "waiting_for_resource", "waiting_for_callback", "scheduled", "manual",
      "building", "canceling");

  public PipelineRun {
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
    source = Strings.share(source); // values that repeat across runs: one string each (Strings)
    ciSystem = Strings.share(ciSystem);
    repository = Strings.share(repository);
    workflow = Strings.share(workflow);
    branch = Strings.share(branch);
    status = Strings.share(status);
    conclusion = Strings.share(conclusion);
  }

  /** The fields every CI system has; no update time and no jobs. */
  public PipelineRun(String source, String sourceUrl, Instant observedAt, String ciSystem, String repository,
      String workflow, String runId, String branch, String commitSha, String status, String conclusion,
      Instant startedAt, Instant finishedAt, TestSummary tests) {
    this(source, sourceUrl, observedAt, ciSystem, repository, workflow, runId, branch, commitSha, status, conclusion,
        startedAt, finishedAt, tests, null, List.of());
  }

  /** True while the CI system reports the run as not finished (queued, running, waiting, ...). */
  @JsonIgnore // derived, not stored
  public boolean isInProgress() {
    if (status == null) {
      return false;
    }
    // rules and connectors ask this of every run (#12's bench saw first a lower-cased copy per call,
    // then 14 case-blind comparisons): a status in lower-case ASCII, as CI systems write it, is
    // decided by one lookup; any other spelling by the case-blind comparisons, as before
    if (UNFINISHED.contains(status)) {
      return true;
    }
    if (lowerCaseAscii(status)) {
      return false; // the names are all lower-case ASCII: no other spelling of one is lower-case ASCII too
    }
    for (String unfinished : UNFINISHED) {
      if (unfinished.equalsIgnoreCase(status)) {
        return true;
      }
    }
    return false;
  }

  private static boolean lowerCaseAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 'a' || c > 'z') && c != '_') {
        return false;
      }
    }
    return true;
  }

  /** True when the run finished and succeeded; a run in progress never counts, whatever its conclusion says. */
  @JsonIgnore // derived, not stored: a snapshot holds only the record components
  public boolean isSuccessful() {
    return conclusion != null && conclusion.equalsIgnoreCase("success") && !isInProgress();
  }

  /** True when this run built {@code sha}; accepts an abbreviated sha of at least 7 characters on either side. */
  public boolean isForCommit(String sha) {
    if (sha == null || commitSha == null || sha.length() < MIN_SHA || commitSha.length() < MIN_SHA) {
      return false;
    }
    String a = sha.toLowerCase(Locale.ROOT);
    String b = commitSha.toLowerCase(Locale.ROOT);
    return a.startsWith(b) || b.startsWith(a);
  }

  /** The shortest abbreviation of a sha that {@link #isForCommit} accepts. */
  public static final int MIN_SHA = 7;

  /**
   * The first {@value #MIN_SHA} characters of {@code sha} in lower case: the part every full or
   * abbreviated form of the same commit shares, so two shas {@link #isForCommit} matches always
   * have equal prefixes. Null when {@code sha} is null or shorter than {@value #MIN_SHA} (such a sha
   * matches nothing). Rules join on it with {@code ==}, which Drools indexes, and keep
   * {@link #isForCommit} as the exact test: see {@link #getCommitPrefix()}.
   */
  public static String prefixOf(String sha) {
    if (sha == null || sha.length() < MIN_SHA) {
      return null;
    }
    return sha.toLowerCase(Locale.ROOT).substring(0, MIN_SHA);
  }

  /**
   * {@link #prefixOf} of this run's commit: the key an indexed join on the commit uses,
   * {@code PipelineRun( successful, commitPrefix == $prefix, isForCommit( $commit ) )}, so a
   * changed run is joined only with the versions of its commit, not with every version.
   */
  @JsonIgnore // derived, not stored
  public String getCommitPrefix() {
    return prefixOf(commitSha);
  }

  @Override
  public Subject subject() {
    return new Subject("PipelineRun", source + ":" + repository + "/" + workflow + "#" + runId,
        repository + " " + workflow + " #" + runId, sourceUrl);
  }

  @Override
  public boolean equalsApartFromObservedAt(Fact other) {
    return other instanceof PipelineRun o && Objects.equals(source, o.source)
        && Objects.equals(sourceUrl, o.sourceUrl) && Objects.equals(ciSystem, o.ciSystem)
        && Objects.equals(repository, o.repository) && Objects.equals(workflow, o.workflow)
        && Objects.equals(runId, o.runId) && Objects.equals(branch, o.branch)
        && Objects.equals(commitSha, o.commitSha) && Objects.equals(status, o.status)
        && Objects.equals(conclusion, o.conclusion) && Objects.equals(startedAt, o.startedAt)
        && Objects.equals(finishedAt, o.finishedAt) && Objects.equals(tests, o.tests)
        && Objects.equals(updatedAt, o.updatedAt) && Objects.equals(jobs, o.jobs);
  }

  @Override
  public PipelineRun withOrigin(String source, Instant observedAt) {
    if (source.equals(this.source) && observedAt.equals(this.observedAt)) {
      return this; // a page fetched in this run is already observed now: no copy per run
    }
    return new PipelineRun(source, sourceUrl, observedAt, ciSystem, repository, workflow, runId, branch,
        commitSha, status, conclusion, startedAt, finishedAt, tests, updatedAt, jobs);
  }

  public record TestSummary(int total, int failed, int skipped) {}

  /**
   * One job of a run (GitHub job, GitLab job, Jenkins stage), with the same status/conclusion split as the run.
   *
   * @param steps the job's steps (GitHub); empty where the CI system reports none
   */
  public record Job(String name, String status, String conclusion, Instant startedAt, Instant finishedAt,
      List<Step> steps) {
    public Job {
      steps = steps == null ? List.of() : List.copyOf(steps);
    }
  }

  /** One step of a job. */
  public record Step(String name, String status, String conclusion) {}
}
