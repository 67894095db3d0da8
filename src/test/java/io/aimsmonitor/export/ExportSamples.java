package io.aimsmonitor.export;

import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Severity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A handful of findings covering every branch the writers take: severities, stale, resolved, waived, no URL. */
final class ExportSamples {

  static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

  static final RuleDefinition OWNER_RULE = new RuleDefinition("lifecycle.production-version-has-owner", "aims-lifecycle",
      "Production model version has an accountable owner", Severity.HIGH, List.of("A.3.2", "5.3"), "full",
      "Accountability needs a named owner.", "Set an owner on the registered model.", List.of("Art. 17"), List.of("GOVERN 2.1"),
      Set.of());
  static final RuleDefinition QUALITY_RULE = new RuleDefinition("data.quality-checks-passing", "aims-data",
      "Training data passes its quality checks", Severity.MEDIUM, List.of("A.7.4"), "full", null,
      "Fix the failing checks.", List.of(), List.of(), Set.of());
  static final RuleDefinition QUIET_RULE = new RuleDefinition("governance.policy-approved", "aims-governance",
      "AI policy is approved", Severity.CRITICAL, List.of("A.2.2"), "partial", "r", "Approve it.", List.of(), List.of(),
      Set.of());

  static final List<RuleDefinition> RULES = List.of(OWNER_RULE, QUALITY_RULE, QUIET_RULE);

  static Finding finding(RuleDefinition rule, String key, String name, String url, Severity severity, Finding.Status status,
      boolean stale, Instant lastSeen, List<String> owners) {
    return new Finding(Finding.idOf(rule.id(), key), rule.id(), rule.pack(), rule.title(), severity, rule.controls(),
        "Model " + name + " breaks " + rule.id() + " <&\"'>.", rule.remediation(), new Subject("ModelVersion", key, name, url),
        Map.of("source", key.substring(0, key.indexOf(':')), "snapshot", 42L, "owners", owners), status, stale, T0, lastSeen,
        status == Finding.Status.RESOLVED ? lastSeen : null, owners);
  }

  static final Finding OPEN_HIGH = finding(OWNER_RULE, "mlflow-prod:fraud/7", "fraud-detector v7",
      "https://mlflow.example.com/#/models/fraud/versions/7", Severity.HIGH, Finding.Status.OPEN, false, T0, List.of());
  static final Finding OPEN_STALE = finding(QUALITY_RULE, "catalog:lending.holdout", "lending.holdout", null,
      Severity.MEDIUM, Finding.Status.OPEN, true, T0.plusSeconds(3600), List.of("data-team"));
  static final Finding WAIVED = finding(OWNER_RULE, "mlflow-prod:churn/4", "churn-predictor v4",
      "https://mlflow.example.com/#/models/churn/versions/4", Severity.HIGH, Finding.Status.OPEN, false,
      T0.plusSeconds(60), List.of("growth-team"));
  static final Finding RESOLVED = finding(QUALITY_RULE, "catalog:lending.train", "lending.train", null, Severity.LOW,
      Finding.Status.RESOLVED, false, T0.plusSeconds(7200), List.of());

  static final List<Finding> ALL = List.of(OPEN_HIGH, OPEN_STALE, WAIVED, RESOLVED);

  /** WAIVED is waived (in force); RESOLVED had a waiver that expired; the others have none. */
  static final WaiverLookup WAIVERS = findings -> {
    Map<String, WaiverState> out = new java.util.HashMap<>();
    for (Finding f : findings) {
      if (f.id().equals(WAIVED.id())) {
        out.put(f.id(), new WaiverState("W-0123456789ab", "active", Instant.parse("2027-03-01T00:00:00Z"), "dave",
            "carol", "Model retires in Q1; risk accepted."));
      } else if (f.id().equals(RESOLVED.id())) {
        out.put(f.id(), new WaiverState("file:lending-train", "expired", T0, "erin", "frank", "Rebuilt in Q4."));
      }
    }
    return out;
  };

  static String export(ExportFormat format, List<Finding> findings) throws Exception {
    Exporter exporter = new Exporter(WAIVERS, "https://aims.example.com/", "1.2.3",
        java.time.Clock.fixed(T0.plusSeconds(9000), java.time.ZoneOffset.UTC));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    exporter.write(format, findings::forEach, RULES, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private ExportSamples() {}
}
