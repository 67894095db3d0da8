package io.aimsmonitor.fact;

import java.time.Instant;
import java.util.Objects;

/**
 * A monitor watching a deployed model (drift, data quality or performance), as a monitoring tool
 * or an inventory file reports it.
 *
 * @param modelName the monitored registered model; {@code version} null means "whichever is in production"
 * @param signal what it watches: {@code drift}, {@code quality}, {@code performance} or {@code availability}
 * @param lastEvaluatedAt when the monitor last produced a result; null if never
 * @param lastResult {@code ok}, {@code warning}, {@code alert}, or null if never evaluated
 */
public record ModelMonitor(
    String source,
    String sourceUrl,
    Instant observedAt,
    String tool,
    String modelName,
    String version,
    String signal,
    boolean alertingConfigured,
    Instant lastEvaluatedAt,
    String lastResult)
    implements Fact {

  /** True when this monitor watches {@code mv}: same model, and same version unless unversioned. */
  public boolean watches(ModelVersion mv) {
    return modelName != null && modelName.equals(mv.modelName())
        && (version == null || version.equals(mv.version()));
  }

  @Override
  public Subject subject() {
    String v = version == null ? "" : " v" + version;
    return new Subject("ModelMonitor", source + ":" + modelName + (version == null ? "" : "/" + version) + "#" + signal,
        signal + " monitor of " + modelName + v, sourceUrl);
  }

  @Override
  public boolean equalsApartFromObservedAt(Fact other) {
    return other instanceof ModelMonitor o && Objects.equals(source, o.source)
        && Objects.equals(sourceUrl, o.sourceUrl) && Objects.equals(tool, o.tool)
        && Objects.equals(modelName, o.modelName) && Objects.equals(version, o.version)
        && Objects.equals(signal, o.signal) && alertingConfigured == o.alertingConfigured
        && Objects.equals(lastEvaluatedAt, o.lastEvaluatedAt) && Objects.equals(lastResult, o.lastResult);
  }

  @Override
  public ModelMonitor withOrigin(String source, Instant observedAt) {
    return new ModelMonitor(source, sourceUrl, observedAt, tool, modelName, version, signal, alertingConfigured,
        lastEvaluatedAt, lastResult);
  }
}
