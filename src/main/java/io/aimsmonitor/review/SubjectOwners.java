package io.aimsmonitor.review;

import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who owns the subject of a finding, as the registry or catalog records it: the default assignee.
 * A model version's and a dataset's owners are their own; a training run belongs to the model
 * version it produced (same source, which is the system its run id points into), a monitor to the
 * model version it watches, an attestation to the production model versions of its AI system.
 * With several owners the first listed is taken: the registry's order is the owner's own.
 */
public final class SubjectOwners {

  private final Map<String, String> ownerBySubject;

  private SubjectOwners(Map<String, String> ownerBySubject) {
    this.ownerBySubject = ownerBySubject;
  }

  public static SubjectOwners of(List<Fact> facts) {
    Map<String, String> out = new HashMap<>();
    Map<String, String> byRun = new HashMap<>();
    Map<String, String> byModelVersion = new HashMap<>();
    Map<String, String> bySystem = new HashMap<>();
    for (Fact f : facts) {
      if (f instanceof ModelVersion m && !m.owners().isEmpty()) {
        String owner = m.owners().get(0);
        out.put(m.subject().key(), owner);
        if (m.sourceRunId() != null) {
          byRun.putIfAbsent(m.source() + "\u0000" + m.sourceRunId(), owner);
        }
        byModelVersion.putIfAbsent(m.modelName() + "\u0000" + m.version(), owner);
        if (m.isProduction()) {
          bySystem.putIfAbsent(m.system(), owner);
        }
      } else if (f instanceof Dataset d && !d.owners().isEmpty()) {
        out.put(d.subject().key(), d.owners().get(0));
      }
    }
    for (Fact f : facts) {
      String owner = null;
      if (f instanceof TrainingRun r) {
        owner = byRun.get(r.source() + "\u0000" + r.runId());
      } else if (f instanceof ModelMonitor m) {
        owner = byModelVersion.get(m.modelName() + "\u0000" + m.version());
      } else if (f instanceof Attestation a) {
        owner = bySystem.get(a.system());
      }
      if (owner != null) {
        out.putIfAbsent(f.subject().key(), owner);
      }
    }
    return new SubjectOwners(Map.copyOf(out));
  }

  public Optional<String> ownerOf(String subjectKey) {
    return Optional.ofNullable(ownerBySubject.get(subjectKey));
  }
}
