package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** Page 4: the AI systems inventory and one system's page, for a viewer, and a hostile name shown as text. */
class AiSystemsPageTest extends BrowserTest {

  static final String DEMO_SYSTEM = "credit-risk-scorer";

  @Test
  void viewerSeesTheInventoryAndASystemWithItsVersionsDatasetsPipelinesAndControls() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/ai-systems");
    assertThat(find("h1").getText()).isEqualTo("AI systems");
    assertThat(findAll("main tbody tr")).hasSizeGreaterThan(3);
    assertAccessible();

    find("main a[href*='id=" + DEMO_SYSTEM + "']").click();
    waitFor().until(d -> find("h1").getText().equals(DEMO_SYSTEM));
    String text = mainText();
    assertThat(text).contains("Model versions", "Training datasets", "Pipelines", "Controls")
        .contains("credit-risk-scorer v12"); // the production version the README's demo output names
    assertThat(findAll("#versions + .table-wrap tbody tr")).isNotEmpty();
    assertThat(findAll("#datasets + .table-wrap tbody tr")).as("its training datasets").isNotEmpty();
    assertThat(findAll("#controls ~ .table-wrap a[href^='/controls/']")).as("controls link to their page").isNotEmpty();
    assertThat(text).contains("non compliant");
    assertThat(findAll("main form, main button")).as("a viewer gets no action here").isEmpty();
    assertAccessible();
    screenshot("ai-system");
  }

  @Test
  void aSourceSystemNameHoldingAScriptElementShowsAsText() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/ai-systems");
    assertThat(mainText()).contains(UiFixture.HOSTILE_NAME);
    open("/ai-systems/system?id=" + URLEncoder.encode(UiFixture.HOSTILE_NAME, StandardCharsets.UTF_8));
    assertThat(find("h1").getText()).isEqualTo(UiFixture.HOSTILE_NAME);
    assertThat(find("#versions + .table-wrap tbody th").getText()).isEqualTo(UiFixture.HOSTILE_NAME);
    assertThat(((JavascriptExecutor) driver).executeScript("return window.aimsPwned === undefined"))
        .as("the script in the name never ran").isEqualTo(true);
    assertThat(findAll("main script")).isEmpty();
  }

  @Test
  void theDatePickerShowsFindingsAndControlsAsTheyStoodThen() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/ai-systems");
    String today = systemRow(DEMO_SYSTEM).getText();
    assertThat(today).as("today the demo system has open findings and failing controls").contains("non compliant");
    int systems = findAll("main tbody tr").size();

    // the picker is a GET form: pick a day long before the demo's first finding and submit it
    ((JavascriptExecutor) driver).executeScript("document.getElementById('asOf').value = '2000-01-01'");
    find("main form button[type=submit]").click();
    waitFor().until(d -> d.getCurrentUrl().contains("asOf=2000-01-01"));

    assertThat(mainText()).contains("as they stood at the end of 2000-01-01");
    assertThat(find("#asOf").getAttribute("value")).isEqualTo("2000-01-01");
    assertThat(findAll("main tbody tr")).as("every system is still listed").hasSize(systems);
    WebElement then = systemRow(DEMO_SYSTEM);
    assertThat(then.getText()).doesNotContain("non compliant");
    assertThat(then.findElement(By.cssSelector("td.num:nth-of-type(6)")).getText())
        .as("no finding was open in 2000").isEqualTo("0");
    assertThat(then.findElements(By.cssSelector("a[href*='/findings']")))
        .as("no link to today's findings from a past date").isEmpty();
    assertAccessible();
  }

  private WebElement systemRow(String id) {
    return findAll("main tbody tr").stream().filter(r -> r.findElement(By.tagName("th")).getText().startsWith(id))
        .findFirst().orElseThrow(() -> new AssertionError("no row for " + id));
  }

  @Test
  void anUnknownSystemSaysSo() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/ai-systems/system?id=no-such-system");
    assertThat(mainText()).contains("no AI system 'no-such-system'");
  }
}
