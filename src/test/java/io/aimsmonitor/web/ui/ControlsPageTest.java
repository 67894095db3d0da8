package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/** Page 5: the Statement of Applicability and a control's page with the findings behind it. */
class ControlsPageTest extends BrowserTest {

  @Test
  void viewerSeesEveryControlAndFiltersByStatus() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/controls");
    assertThat(find("h1").getText()).startsWith("Controls");
    assertThat(findAll("table.soa tbody tr")).as("38 Annex A controls and the clauses").hasSizeGreaterThan(38);
    assertThat(mainText()).contains("A.7.4", "automated", "attestation required", "non compliant");
    assertAccessible();
    screenshot("controls");

    new Select(find("#status")).selectByValue("non_compliant");
    find("form.filters button[type=submit]").click();
    waitFor().until(d -> d.getCurrentUrl().contains("status=non_compliant"));
    assertThat(findAll("table.soa tbody tr")).isNotEmpty()
        .allSatisfy(row -> assertThat(row.getText()).contains("non compliant"));
  }

  @Test
  void aControlPageListsTheFindingsBehindItAndTheRulesDecidingIt() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/controls/A.7.4");
    assertThat(find("h1").getText()).startsWith("A.7.4");
    assertThat(mainText()).contains("data.quality-checks-passing") // the rule deciding it
        .contains("lending.applications_holdout_2026q1"); // the demo's failing dataset
    assertThat(findAll("main a[href^='/findings/']")).as("each finding links to its page").isNotEmpty();
    assertAccessible();

    open("/controls/A.3.3"); // manual, and no loaded rule decides it
    assertThat(mainText()).contains("it needs a person's attestation").contains("No open finding cites this control.");
  }

  @Test
  void attestationEvidenceIsListedWhereARuleReadsAttestations() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/controls/A.5.2");
    assertThat(find("#attestations").isDisplayed()).isTrue();
    assertThat(mainText()).contains("impact-assessment");
  }

  @Test
  void theDatePickerShowsTheStatusAsItStoodThen() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/controls?asOf=2000-01-01"); // long before the demo's first finding
    assertThat(mainText()).contains("Status as it stood at the end of 2000-01-01");
    assertThat(find("#asOf").getAttribute("value")).isEqualTo("2000-01-01");
    assertThat(findAll("table.soa tbody tr")).as("every control is still listed").hasSizeGreaterThan(38)
        .noneSatisfy(row -> assertThat(row.getText()).contains("non compliant"));
    assertAccessible();
  }

  @Test
  void anUnknownControlSaysSo() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/controls/A.99");
    assertThat(mainText()).contains("no control or clause 'A.99'");
  }
}
