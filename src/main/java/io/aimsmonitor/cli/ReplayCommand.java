package io.aimsmonitor.cli;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.replay.Replayer;
import io.aimsmonitor.store.EvaluationRecords.Verdict;
import java.io.PrintWriter;
import java.util.List;
import java.util.NoSuchElementException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Re-runs a recorded evaluation from its stored snapshots and rule pack versions, at its own clock
 * time, and says whether the verdicts are identical, or what differs and why. Exit 0 identical,
 * 1 different, 2 no record of that evaluation, the store cannot be opened, or the replay itself failed.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = "Re-run a past evaluation from its stored snapshots and rule pack versions and compare the verdicts.",
    footer = {"", "Reads the service's database as configured; Spring options such as"
        + " --spring.datasource.url=... are passed on. Evaluation ids: GET /api/evaluations.",
        "Exit codes: 0 identical, 1 different, 2 no record of the evaluation or the store cannot be opened."})
public class ReplayCommand extends StoreCommand {

  @Parameters(index = "0", paramLabel = "EVALUATION_ID", description = "the evaluation to replay")
  long evaluationId;

  @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = out();
    Replayer.Result result;
    StoreRun run;
    try {
      run = StoreRun.start(springArgs);
    } catch (RuntimeException e) {
      return error("cannot open the store: " + ScanRun.describe(e));
    }
    try (run) {
      result = run.bean(Replayer.class).replay(evaluationId);
    } catch (NoSuchElementException e) {
      return error(e.getMessage());
    } catch (RuntimeException e) {
      return error("the replay of evaluation " + evaluationId + " failed: " + ScanRun.describe(e));
    }
    if ("json".equalsIgnoreCase(format)) {
      out.println(FactJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      out.printf("evaluation %d at %s: %d verdicts recorded, %d on replay%n", result.evaluationId(),
          result.evaluatedAt(), result.recordedVerdicts(), result.replayedVerdicts());
      result.added().forEach(v -> out.println("  + " + describe(v)));
      result.removed().forEach(v -> out.println("  - " + describe(v)));
      if (result.addedCount() > result.added().size() || result.removedCount() > result.removed().size()) {
        out.printf("  (%d added and %d removed in all; --format json lists up to %d of each)%n", result.addedCount(),
            result.removedCount(), Replayer.MAX_LISTED);
      }
      result.reasons().forEach(r -> out.println("  why: " + r.kind() + (r.subject() == null ? "" : " (" + r.subject()
          + ")") + ": " + r.detail()));
      result.notes().forEach(r -> out.println("  note: " + r.kind() + (r.subject() == null ? "" : " (" + r.subject()
          + ")") + ": " + r.detail()));
      out.println(result.identical() ? "identical" : "DIFFERENT");
    }
    out.flush();
    return result.identical() ? ExitCodes.OK : ExitCodes.FINDINGS;
  }

  private static String describe(Verdict v) {
    return v.pack() + " / " + v.rule() + " / " + v.subject();
  }
}
