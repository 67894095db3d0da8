package io.aimsmonitor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.testing.RuleTestReport;
import io.aimsmonitor.rules.testing.RuleTestReport.CaseResult;
import io.aimsmonitor.rules.testing.RuleTestReport.Outcome;
import io.aimsmonitor.rules.testing.RuleTestRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worked example of docs/writing-rules.md is a real pack: its files, as printed there, load and pass their cases. */
class RulePackDocExampleTest {

  /** A file of the example: a bold path line, then a fenced block with its content. */
  private static final Pattern FILE = Pattern.compile("\\*\\*rules/(acme-retention/[^*]+)\\*\\*\\s*\\n+```\\w*\\n(.*?)```",
      Pattern.DOTALL);

  @TempDir
  Path tmp;

  @Test
  void theWorkedExampleLoadsAndItsCasesPass() throws IOException {
    Matcher m = FILE.matcher(Files.readString(Path.of("docs", "writing-rules.md")));
    int files = 0;
    while (m.find()) {
      Path file = tmp.resolve(m.group(1));
      Files.createDirectories(file.getParent());
      Files.writeString(file, m.group(2));
      files++;
    }
    assertEquals(3, files, "pack.yaml, retention.drl and tests/retention.yaml");

    RuleTestReport report = new RuleTestRunner(new RulePackLoader(ControlCatalog.bundled()), new Evaluator(),
        Clock.systemUTC()).run(tmp.resolve("acme-retention"));

    assertEquals(List.of(), report.packs().get(0).problems());
    assertEquals(5, report.cases().size());
    assertEquals(List.of(), report.cases().stream().filter(c -> c.outcome() != Outcome.PASSED)
        .map(CaseResult::name).toList());
  }
}
