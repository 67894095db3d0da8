package io.aimsmonitor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.controls.ControlCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/rules.md is generated from the packs: this test fails when it is out of date, and with
 * {@code -Daims.regenerate=true} rewrites it.
 */
class RulesDocTest {

  private static final Path DOC = Path.of("docs", "rules.md");

  @Test
  void docsRulesMdIsCurrent() throws IOException {
    ControlCatalog catalog = ControlCatalog.bundled();
    RuleBook book = new RuleBook(Path.of("rules"), new RulePackLoader(catalog), Map.of(), Clock.systemUTC());
    assertEquals(List.of(), book.reload().rejected());
    String generated = RulesDoc.markdown(book.packs(), catalog);
    if (Boolean.getBoolean("aims.regenerate")) {
      Files.writeString(DOC, generated);
    }
    String committed = Files.exists(DOC) ? Files.readString(DOC) : "";
    assertEquals(generated, committed, DOC + " is out of date with rules/: regenerate it with " + RulesDoc.REGENERATE);
  }

  @Test
  void theDocumentListsEveryRuleAndControl() {
    ControlCatalog catalog = ControlCatalog.bundled();
    RuleBook book = new RuleBook(Path.of("rules"), new RulePackLoader(catalog), Map.of(), Clock.systemUTC());
    book.reload();
    String md = RulesDoc.markdown(book.packs(), catalog);
    book.rules().keySet().forEach(id -> assertTrue(md.contains("| `" + id + "` |"), id));
    catalog.all().forEach(c -> assertTrue(md.contains("\n| " + c.id() + " | "), c.id()));
    assertTrue(md.contains("| A.2.3 | AI policy consistent with other org policies | attestation-only | none |  |"), md);
  }
}
