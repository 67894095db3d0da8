package io.aimsmonitor.rules;

import io.aimsmonitor.fact.PipelineRun;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Successful CI runs by commit, built once per evaluation. Commits match, ignoring case, when one
 * is a prefix of the other ({@link PipelineRun#isForCommit}: abbreviated shas of 7+ digits), which Drools cannot
 * index; a sorted map answers both directions (runs whose sha extends the commit, runs whose sha
 * the commit extends) in logarithmic time instead of a comparison with every pipeline run:
 * <pre>
 * $passed : List() from collect( PipelineRun( successful ) )
 * $ci : PipelineIndex() from PipelineIndex.of($passed)
 * </pre>
 */
public final class PipelineIndex {

  private final TreeMap<String, List<PipelineRun>> bySha = new TreeMap<>();

  private PipelineIndex() {}

  /** Indexes the successful runs among {@code pipelineRuns}. */
  public static PipelineIndex of(Collection<?> pipelineRuns) {
    PipelineIndex index = new PipelineIndex();
    for (Object o : pipelineRuns) {
      if (o instanceof PipelineRun p && p.isSuccessful() && p.commitSha() != null && p.commitSha().length() >= PipelineRun.MIN_SHA) {
        index.bySha.computeIfAbsent(p.commitSha().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>()).add(p);
      }
    }
    return index;
  }

  /** Successful runs that built {@code commit} (see {@link PipelineRun#isForCommit}); empty for a null or short one. */
  public List<PipelineRun> successfulFor(String commit) {
    if (commit == null || commit.length() < PipelineRun.MIN_SHA) {
      return List.of();
    }
    commit = commit.toLowerCase(java.util.Locale.ROOT); // shas are hex; some tools write them in upper case
    List<PipelineRun> out = new ArrayList<>();
    // runs whose sha starts with the commit (the commit is abbreviated, or equal)
    bySha.subMap(commit, true, commit + Character.MAX_VALUE, false).values().forEach(out::addAll);
    // runs whose abbreviated sha the commit starts with
    for (int length = PipelineRun.MIN_SHA; length < commit.length(); length++) {
      out.addAll(bySha.getOrDefault(commit.substring(0, length), List.of()));
    }
    return out;
  }
}
