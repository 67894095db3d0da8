package io.aimsmonitor.fact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A canonical, immutable observation about one object in one source system. Connectors map
 * whatever their API returns into these records; rules read only these records.
 *
 * <p>Every fact says where it came from ({@link #source()}, the connector instance id), where a
 * person can see the original ({@link #sourceUrl()}, the evidence link shown to auditors) and when
 * it was observed. The {@code kind} property names the record type in JSON/YAML, both in the
 * files the {@code file} connector reads and in stored snapshots.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ModelVersion.class, name = "ModelVersion"),
    @JsonSubTypes.Type(value = TrainingRun.class, name = "TrainingRun"),
    @JsonSubTypes.Type(value = Dataset.class, name = "Dataset"),
    @JsonSubTypes.Type(value = PipelineRun.class, name = "PipelineRun"),
    @JsonSubTypes.Type(value = ModelMonitor.class, name = "ModelMonitor"),
    @JsonSubTypes.Type(value = Attestation.class, name = "Attestation"),
    @JsonSubTypes.Type(value = SourceHealth.class, name = "SourceHealth")
})
public sealed interface Fact
    permits ModelVersion, TrainingRun, Dataset, PipelineRun, ModelMonitor, Attestation, SourceHealth {

  /** Id of the connector instance that observed this fact (the {@code id} in connectors/*.yaml). */
  String source();

  /** Deep link to the object in its source system, for evidence; may be null if the source has none. */
  String sourceUrl();

  /** When the connector observed the object (not when the object last changed). */
  Instant observedAt();

  /** What a finding about this fact is about: stable key, display name and link. */
  @JsonIgnore
  Subject subject();

  /** The same fact re-attributed to a connector run; used by connectors that read facts from files. */
  Fact withOrigin(String source, Instant observedAt);

  /**
   * Whether {@code other} is this fact observed at another time: of the same type, with every
   * component but {@link #observedAt()} {@code equals} to this one's; what
   * {@code withOrigin(source(), other.observedAt()).equals(other)} says, without building the copy
   * (its constructor re-shares every string, {@link Strings}). The 1% cycle asks it of every
   * re-collected fact, whose components are mostly the held fact's own (the store hands such a fact
   * on as a copy of the previous one, {@code SnapshotRows.restamped}), so each comparison is then a
   * reference check. Each record lists its components here: {@code FactContentTest} fails for a
   * component that is not compared.
   */
  boolean equalsApartFromObservedAt(Fact other);

  /** The record type name used as {@code kind} in files and snapshots, and as subject type. */
  static String kindOf(Class<? extends Fact> type) {
    return type.getSimpleName();
  }
}
