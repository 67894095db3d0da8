package io.aimsmonitor.fact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run in an experiment tracker (MLflow run, SageMaker training job) that trained or evaluated a model.
 *
 * @param namespace the tracking server, account or workspace the run lives in (see {@link Ref}); null
 *     means the run's own source, which the constructor fills in
 * @param runId the tracker's run id, unique only within {@code namespace} (joined from {@link ModelVersion#sourceRun()})
 * @param user the account that started the run: who acted, not who is accountable for the model
 * @param status tracker run status, e.g. {@code FINISHED}, {@code FAILED}
 * @param gitCommit commit of the code that ran (joins {@link PipelineRun#commitSha()}), null if not recorded
 * @param inputDatasets datasets the run read, with their role (training/validation/test)
 */
public record TrainingRun(
    String source,
    String sourceUrl,
    Instant observedAt,
    String tracker,
    String namespace,
    String runId,
    String experiment,
    String runName,
    String status,
    String user,
    Map<String, Double> metrics,
    Map<String, String> params,
    Map<String, String> tags,
    String gitCommit,
    List<DatasetInput> inputDatasets,
    Instant startedAt,
    Instant endedAt)
    implements Fact {

  public TrainingRun {
    metrics = metrics == null ? Map.of() : Map.copyOf(Strings.shareKeys(metrics, false));
    params = params == null ? Map.of() : Map.copyOf(Strings.shareKeys(params, true));
    tags = tags == null ? Map.of() : Map.copyOf(Strings.shareKeys(tags, true));
    inputDatasets = inputDatasets == null ? List.of() : List.copyOf(inputDatasets);
    source = Strings.share(source); // values that repeat across runs: one string each (Strings)
    tracker = Strings.share(tracker);
    experiment = Strings.share(experiment);
    runName = Strings.share(runName);
    status = Strings.share(status);
    user = Strings.share(user);
    namespace = namespace == null || namespace.isBlank() ? source : Strings.share(namespace);
  }

  /** This run as a reference: (namespace, run id). Rules join {@code TrainingRun( ref == $m.sourceRun )}. */
  @JsonIgnore // derived, not stored
  public Ref ref() {
    return Ref.of(namespace, runId);
  }

  @Override
  public Subject subject() {
    return new Subject("TrainingRun", source + ":run/" + runId,
        "run " + (runName == null ? runId : runName + " (" + runId + ")"), sourceUrl);
  }

  @Override
  public boolean equalsApartFromObservedAt(Fact other) {
    return other instanceof TrainingRun o && Objects.equals(source, o.source)
        && Objects.equals(sourceUrl, o.sourceUrl) && Objects.equals(tracker, o.tracker)
        && Objects.equals(namespace, o.namespace) && Objects.equals(runId, o.runId)
        && Objects.equals(experiment, o.experiment) && Objects.equals(runName, o.runName)
        && Objects.equals(status, o.status) && Objects.equals(user, o.user) && Objects.equals(metrics, o.metrics)
        && Objects.equals(params, o.params) && Objects.equals(tags, o.tags)
        && Objects.equals(gitCommit, o.gitCommit) && Objects.equals(inputDatasets, o.inputDatasets)
        && Objects.equals(startedAt, o.startedAt) && Objects.equals(endedAt, o.endedAt);
  }

  @Override
  public TrainingRun withOrigin(String source, Instant observedAt) {
    String ns = java.util.Objects.equals(namespace, this.source) ? null : namespace;
    return new TrainingRun(source, sourceUrl, observedAt, tracker, ns, runId, experiment, runName, status,
        user, metrics, params, tags, gitCommit, inputDatasets, startedAt, endedAt);
  }

  /**
   * A dataset a run read. {@code name} is matched against {@link Dataset#qualifiedName()} or
   * {@link Dataset#name()}; {@code context} is {@code training}, {@code validation} or {@code test}.
   */
  public record DatasetInput(String name, String digest, String uri, String context) {
    public DatasetInput {
      name = Strings.share(name); // a dataset is read by many runs
      context = Strings.share(context);
    }
  }
}
