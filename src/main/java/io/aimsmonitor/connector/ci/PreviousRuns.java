package io.aimsmonitor.connector.ci;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pipeline runs of an instance's last good snapshot, indexed by repository and run id, for the
 * incremental collection the CI connectors share: a run the CI system has not changed since the
 * snapshot is carried over (with a new {@code observedAt}) instead of being fetched again, a run
 * that was in progress is always fetched again, and everything else is read only when it was
 * created or updated after the snapshot. An empty instance (first run, or a full refresh) makes
 * every connector read everything.
 */
public final class PreviousRuns {

  private final Map<String, Map<String, PipelineRun>> byRepository;
  private final Instant observedAt;

  private PreviousRuns(Map<String, Map<String, PipelineRun>> byRepository, Instant observedAt) {
    this.byRepository = byRepository;
    this.observedAt = observedAt;
  }

  /** Nothing to reuse: the connector reads everything. */
  public static PreviousRuns none() {
    return new PreviousRuns(Map.of(), null);
  }

  /** The runs {@code source} collected in {@code previous}; none when {@code fullRefresh}. */
  public static PreviousRuns of(Collection<Fact> previous, String source, boolean fullRefresh) {
    if (fullRefresh) {
      return none();
    }
    Map<String, Map<String, PipelineRun>> byRepository = new HashMap<>();
    Instant oldest = null;
    for (Fact fact : previous) {
      if (fact instanceof PipelineRun run && source.equals(run.source()) && run.runId() != null) {
        byRepository.computeIfAbsent(String.valueOf(run.repository()), k -> new HashMap<>()).put(run.runId(), run);
        if (run.observedAt() != null && (oldest == null || run.observedAt().isBefore(oldest))) {
          oldest = run.observedAt();
        }
      }
    }
    return new PreviousRuns(byRepository, oldest);
  }

  /** True when there is nothing to build on: read the whole history. */
  public boolean isEmpty() {
    return byRepository.isEmpty();
  }

  /**
   * When the snapshot was observed (the oldest {@code observedAt} of its runs): runs created or
   * updated after this are new to it. Null when empty.
   */
  public Instant observedAt() {
    return observedAt;
  }

  /** True when the snapshot has runs of {@code repository}. */
  public boolean knows(String repository) {
    return byRepository.containsKey(repository);
  }

  public PipelineRun get(String repository, String runId) {
    return byRepository.getOrDefault(repository, Map.of()).get(runId);
  }

  /** All runs of {@code repository}. */
  public Collection<PipelineRun> of(String repository) {
    return byRepository.getOrDefault(repository, Map.of()).values();
  }

  /** The runs of {@code repository} that were not finished when the snapshot was taken. */
  public List<PipelineRun> inProgress(String repository) {
    List<PipelineRun> out = new ArrayList<>();
    for (PipelineRun run : of(repository)) {
      if (run.isInProgress() || run.conclusion() == null) {
        out.add(run);
      }
    }
    return out;
  }

  /**
   * True when {@code fresh} (as just listed) is the same run in the same state as in the snapshot:
   * same update time and status, so its details (jobs, tests) need not be fetched again.
   */
  public boolean unchanged(PipelineRun fresh) {
    PipelineRun before = get(fresh.repository(), fresh.runId());
    return before != null && fresh.updatedAt() != null && fresh.updatedAt().equals(before.updatedAt())
        && Objects.equals(fresh.status(), before.status()) && Objects.equals(fresh.conclusion(), before.conclusion())
        && !before.isInProgress();
  }
}
