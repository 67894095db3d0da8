package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

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
}
