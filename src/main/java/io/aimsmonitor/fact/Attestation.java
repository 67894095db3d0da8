package io.aimsmonitor.fact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Objects;

/**
 * A human record for a control no system can show, kept in git and read by the {@code file}
 * connector: "impact assessment for system X approved on D by P".
 *
 * @param type what is attested: {@code ai-policy-review}, {@code impact-assessment},
 *     {@code risk-assessment}, {@code role-assignment}, or a custom type a rule pack reads
 * @param system the AI system (see {@link ModelVersion#system()}) or {@code organisation}
 * @param approvedAt when it was approved; null for a draft
 * @param validUntil when it lapses; null for no fixed expiry
 */
public record Attestation(
    String source,
    String sourceUrl,
    Instant observedAt,
    String type,
    String system,
    String statement,
    String approvedBy,
    Instant approvedAt,
    Instant validUntil,
    String reference)
    implements Fact {

  @JsonIgnore // derived, not stored: a snapshot holds only the record components
  public boolean isApproved() {
    return approvedAt != null && approvedBy != null && !approvedBy.isBlank();
  }

  @Override
  public Subject subject() {
    return new Subject("Attestation", source + ":" + type + "/" + system, type + " for " + system, sourceUrl);
  }

  @Override
  public boolean equalsApartFromObservedAt(Fact other) {
    return other instanceof Attestation o && Objects.equals(source, o.source)
        && Objects.equals(sourceUrl, o.sourceUrl) && Objects.equals(type, o.type)
        && Objects.equals(system, o.system) && Objects.equals(statement, o.statement)
        && Objects.equals(approvedBy, o.approvedBy) && Objects.equals(approvedAt, o.approvedAt)
        && Objects.equals(validUntil, o.validUntil) && Objects.equals(reference, o.reference);
  }

  @Override
  public Attestation withOrigin(String source, Instant observedAt) {
    return new Attestation(source, sourceUrl, observedAt, type, system, statement, approvedBy, approvedAt,
        validUntil, reference);
  }
}
