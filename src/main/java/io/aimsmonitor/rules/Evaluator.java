package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Fact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.kie.api.runtime.StatelessKieSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rule packs over a set of facts. Each pack runs in its own stateless session with the
 * {@code violations} and {@code now} globals and its parameters; a pack whose rules throw is
 * reported as failed, so its findings are left as they were rather than resolved.
 */
public final class Evaluator {

  private static final Logger log = LoggerFactory.getLogger(Evaluator.class);

  /** One pack's outcome: its violations, or the error that stopped it. */
  public record PackResult(RulePack pack, List<Violation> violations, String error) {
    public boolean succeeded() {
      return error == null;
    }
  }

  public List<PackResult> evaluate(List<RulePack> packs, List<? extends Fact> facts, Instant now) {
    List<PackResult> results = new ArrayList<>(packs.size());
    for (RulePack pack : packs) {
      results.add(evaluate(pack, facts, now));
    }
    return results;
  }

  public PackResult evaluate(RulePack pack, List<? extends Fact> facts, Instant now) {
    Violations violations = new Violations();
    StatelessKieSession session = pack.kieBase().newStatelessKieSession();
    session.setGlobal("violations", violations);
    setIfDeclared(session, pack, "now", now);
    pack.parameterValues().forEach((name, value) -> setIfDeclared(session, pack, name, value));
    try {
      session.execute(facts);
      return new PackResult(pack, violations.reported(), null);
    } catch (RuntimeException | LinkageError e) {
      // LinkageError too: Drools compiles constraints to bytecode after ~20 evaluations, and a
      // constraint its compiler cannot handle must fail this pack, not the whole evaluation.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String error = "rule pack '" + pack.name() + "' failed during evaluation: " + root;
      log.error(error, e);
      return new PackResult(pack, List.of(), error);
    }
  }

  private static void setIfDeclared(StatelessKieSession session, RulePack pack, String name, Object value) {
    boolean declared = pack.kieBase().getKiePackages().stream()
        .anyMatch(p -> p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(name)));
    if (declared) {
      session.setGlobal(name, value);
    }
  }
}
