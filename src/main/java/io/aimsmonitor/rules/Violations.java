package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Subject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.runtime.rule.RuleContext;

/**
 * The {@code violations} global every rule reports through:
 * <pre>
 * then
 *   violations.report(kcontext, $m, "Model " + $m.modelName() + " has no owner.", "owners", $m.owners());
 * </pre>
 * The rule id is taken from the firing rule, so a rule cannot report under another's name.
 * Evidence is given as alternating names and values; a null value is recorded as missing.
 */
public final class Violations {

  /**
   * A report held in a long-lived session by truth maintenance ({@link #logical()}): inserted
   * logically by the match that made it, retracted by Drools when that match stops being true.
   * Equal only to itself, so that two matches reporting equal violations are two reports, as on
   * the full path (where the reconciler makes them one finding).
   */
  public static final class Reported {
    private final Violation violation;

    Reported(Violation violation) {
      this.violation = violation;
    }

    public Violation violation() {
      return violation;
    }

    @Override
    public String toString() {
      return "Reported[" + violation.ruleId() + " " + violation.subject().key() + "]";
    }
  }

  /** Null on the full path (reports are listed); the reports in force in the session in logical mode. */
  private final Set<Reported> held;
  private final List<Violation> reported = new ArrayList<>();
  /** In logical mode: reports inserted or retracted since {@link #drainTouched()} last ran. */
  private final List<Violation> touched = new ArrayList<>();
  /**
   * In logical mode: {@link #reported()} as last listed, null once a report came or went since.
   * A long-lived session holds every report of its pack, and listing them anew after an update that
   * changed none (most packs on most cycles) cost time in proportion to the estate, not the change.
   */
  private List<Violation> listed;

  /** For one evaluation in a fresh session: every report is listed. */
  public Violations() {
    this.held = null;
  }

  private Violations(Set<Reported> held) {
    this.held = held;
  }

  /**
   * For a long-lived session (incremental evaluation): a report is inserted logically, so it lasts
   * exactly as long as the match that made it; {@link #reported()} lists the reports in force.
   * {@link #tracker()} must listen to the session.
   */
  static Violations logical() {
    return new Violations(new LinkedHashSet<>());
  }

  /** Keeps {@link #reported()} in step with the reports truth maintenance inserts and retracts. */
  RuleRuntimeEventListener tracker() {
    if (held == null) {
      throw new IllegalStateException("only logical violations are tracked in the session");
    }
    return new DefaultRuleRuntimeEventListener() {
      @Override
      public void objectInserted(ObjectInsertedEvent event) {
        if (event.getObject() instanceof Reported r) {
          held.add(r);
          touched.add(r.violation());
          listed = null;
        }
      }

      @Override
      public void objectDeleted(ObjectDeletedEvent event) {
        if (event.getOldObject() instanceof Reported r) {
          held.remove(r);
          touched.add(r.violation());
          listed = null;
        }
      }
    };
  }

  public void report(RuleContext kcontext, Fact subject, String message, Object... evidence) {
    Map<String, Object> values = evidence(kcontext, evidence);
    values.put("source", subject.source());
    add(kcontext, new Violation(kcontext.getRule().getName(), subject.subject(), message, values, ownersOf(subject)));
  }

  private void add(RuleContext kcontext, Violation violation) {
    if (RulePackLoader.derives(kcontext.getRule().getMetaData())) {
      throw new IllegalStateException("rule " + kcontext.getRule().getName()
          + " is annotated @derives: it may insert facts for other rules but not report");
    }
    if (held == null) {
      reported.add(violation);
    } else {
      kcontext.insertLogical(new Reported(violation));
    }
  }

  /** The accountable owners a fact records; facts without an owner field have none. */
  static List<String> ownersOf(Fact fact) {
    if (fact instanceof ModelVersion m) {
      return m.owners();
    }
    if (fact instanceof Dataset d) {
      return d.owners();
    }
    return List.of();
  }

  /**
   * Reports about something no fact stands for, because the violation is that it is missing:
   * "the organisation has no approved AI policy". The subject key must still be stable, e.g.
   * {@code new Subject("Organisation", "organisation:ai-policy", "AI policy of the organisation", null)}.
   */
  public void report(RuleContext kcontext, Subject subject, String message, Object... evidence) {
    add(kcontext, new Violation(kcontext.getRule().getName(), subject, message, evidence(kcontext, evidence)));
  }

  private static Map<String, Object> evidence(RuleContext kcontext, Object[] evidence) {
    if (evidence.length % 2 != 0) {
      throw new IllegalArgumentException("rule " + kcontext.getRule().getName()
          + ": evidence must be name/value pairs, got an odd count");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < evidence.length; i += 2) {
      values.put(String.valueOf(evidence[i]), evidence[i + 1] == null ? "(missing)" : evidence[i + 1]);
    }
    return values;
  }

  /**
   * The reports that appeared or went since the last call (logical mode): what a reconciliation of
   * only the changes has to look at. A report retracted and made again by the same match is listed.
   */
  List<Violation> drainTouched() {
    List<Violation> out = List.copyOf(touched);
    touched.clear();
    return out;
  }

  public List<Violation> reported() {
    if (held != null) {
      if (listed == null) {
        List<Violation> out = new ArrayList<>(held.size());
        held.forEach(r -> out.add(r.violation()));
        listed = Collections.unmodifiableList(out);
      }
      return listed;
    }
    return List.copyOf(reported);
  }
}
