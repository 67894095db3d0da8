package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.rules.RuleBook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Page 7: the packs in force with each rule's metadata. */
class RulePacksPageTest extends BrowserTest {

  @Test
  void viewerSeesEveryPackAndEachRulesMetadata() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/rule-packs");
    assertThat(find("h1").getText()).isEqualTo("Rule packs");
    assertThat(findAll("section.pack")).hasSize(6);
    find("#rule-data\\.quality-checks-passing summary").click();
    String rule = find("#rule-data\\.quality-checks-passing").getText();
    assertThat(rule).contains("A.7.4", "high", "Rationale", "Remediation", "EU AI Act", "NIST AI RMF");
    assertThat(findAll("main form, main button")).as("a viewer gets no action here").isEmpty();
    assertAccessible();
  }

  @Test
  void aRejectedPackIsShownWithTheCompilerMessagesAndThePacksInForceStay() throws IOException {
    RuleBook ruleBook = app.bean(RuleBook.class);
    Path broken = Files.createDirectories(ruleBook.rulesDir().resolve("ui-test-broken"));
    try {
      Files.writeString(broken.resolve("pack.yaml"), "name: ui-test-broken\ndescription: a pack that does not compile\n");
      Files.writeString(broken.resolve("broken.drl"), """
          package ui.test;
          rule "ui-test.broken"
            @control("A.6.2.4") @severity("high") @title("<b>never</b> compiles")
          when
            ThisTypeDoesNotExist( )
          then
          end
          """);
      ruleBook.reload();
      signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
      open("/rule-packs");
      String rejected = find("section[aria-labelledby=rejected-heading]").getText();
      assertThat(rejected).contains("ui-test-broken", "rejected").contains("broken.drl")
          .contains("ThisTypeDoesNotExist");
      assertThat(findAll("section.pack")).as("the packs in force stay").hasSize(6);
      assertAccessible();
    } finally {
      try (Stream<Path> files = Files.walk(broken)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
      ruleBook.reload();
    }
    open("/rule-packs");
    assertThat(findAll("section[aria-labelledby=rejected-heading]")).as("gone once its files are").isEmpty();
  }
}
