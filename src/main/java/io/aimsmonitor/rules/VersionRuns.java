package io.aimsmonitor.rules;

import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.util.Collection;
import java.util.List;

/**
 * A production model version with the training runs it names ({@code TrainingRun( ref ==
 * $m.sourceRun )}; none when it names none or an unknown one), derived once per pack by a
 * {@code @derives} rule so that the pack's other rules read the runs from this fact instead of each
 * joining every training run again:
 * <pre>
 * rule "lifecycle.version-runs" @derives("VersionRuns: ...")
 * when
 *   $m : ModelVersion( production )
 *   $runs : List() from collect( TrainingRun( ref == $m.sourceRun ) )
 * then
 *   insertLogical( VersionRuns.of( $m, $runs ) );
 * </pre>
 * Why: every join node holds a right tuple (and an index entry, and the extracted key) per
 * training run, about 200 bytes, whether or not any production version names it; ten rules that
 * each join the runs held ten of those per run (docs/writing-rules.md, "Writing rules that scale").
 *
 * <p>The component is not called {@code runs}: Drools' MVEL dialect rejects a method call on a
 * property of that name ({@code runs.isEmpty()}: "not a statement").
 *
 * <p>Equal only to itself, as {@link Violations.Reported}: two versions with equal records are two
 * derived facts, so each rule still fires once per version, as when it joined the runs itself.
 *
 * @param version the production version
 * @param trainingRuns its training runs, copied (a collect's list is the accumulator's own, changed in place)
 */
public record VersionRuns(ModelVersion version, List<TrainingRun> trainingRuns) {

  public VersionRuns {
    trainingRuns = List.copyOf(trainingRuns);
  }

  /** The derived fact from a collect's result (a raw {@code List} in DRL). */
  @SuppressWarnings("unchecked")
  public static VersionRuns of(ModelVersion version, Collection<?> runs) {
    return new VersionRuns(version, List.copyOf((Collection<TrainingRun>) runs));
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
