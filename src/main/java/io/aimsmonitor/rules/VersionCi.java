package io.aimsmonitor.rules;

import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import java.util.Collection;
import java.util.List;

/**
 * A production version ({@link VersionRuns}) with the successful CI runs of its commit (its own, else
 * its training run's; abbreviated shas match, {@link PipelineRun#isForCommit}), derived once by a
 * {@code @derives} rule, so that the rules about CI (passed, validated before promotion,
 * re-validated) share one join of the pipeline runs instead of holding one each. Equal only to itself
 * (see {@link VersionRuns}).
 *
 * @param versionRuns the version and its training runs
 * @param passed the successful pipeline runs of its commit, copied from the collect's list
 */
public record VersionCi(VersionRuns versionRuns, List<PipelineRun> passed) {

  public VersionCi {
    passed = List.copyOf(passed);
  }

  /** The derived fact from a collect's result (a raw {@code List} in DRL). */
  @SuppressWarnings("unchecked")
  public static VersionCi of(VersionRuns versionRuns, Collection<?> passed) {
    return new VersionCi(versionRuns, List.copyOf((Collection<PipelineRun>) passed));
  }

  public ModelVersion version() {
    return versionRuns.version();
  }

  public List<TrainingRun> trainingRuns() {
    return versionRuns.trainingRuns();
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
