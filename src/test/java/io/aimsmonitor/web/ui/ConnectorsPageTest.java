package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.audit.AuditLog;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** Page 6: connector instances with their last runs; run now for admins, its outcome confirmed. */
class ConnectorsPageTest extends BrowserTest {

  static final String INSTANCE = "demo-inventory";

  @Test
  void viewerSeesInstancesAndLastRunsButNoRunNow() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/connectors");
    assertThat(find("h1").getText()).isEqualTo("Connectors");
    assertThat(mainText()).contains("demo-mlflow", "demo-github", INSTANCE, UiFixture.HOSTILE_SOURCE, "succeeded");
    assertThat(findAll(".run-now")).as("no run-now for a viewer").isEmpty();
    assertAccessible();

    find("main a[href='/connectors/demo-github']").click();
    waitFor().until(d -> find("h1").getText().equals("demo-github"));
    assertThat(mainText()).contains("Recent runs", "Pages", "Rate-limit waits");
    assertThat(findAll("main tbody tr")).isNotEmpty();
    assertThat(findAll(".run-now")).isEmpty();
    assertAccessible();
  }

  @Test
  void adminRunsAConnectorNowAndASecondRequestIsRefusedClearly() {
    signInAsAdmin();
    open("/connectors");
    assertAccessible();
    String first = runNow();
    assertThat(first).as("queued, or deduplicated against a run already waiting").containsAnyOf("queued", "No new run")
        .contains(INSTANCE);

    // A request within aims.scheduler.run-now-min-interval (30 s) of an accepted one is throttled (429).
    String refused = first;
    for (int i = 0; i < 3 && !refused.contains("429"); i++) {
      refused = runNow();
    }
    assertThat(refused).contains("Not run (429, too many requests)").contains("Try again in");
    assertThat(find("#run-outcome [data-outcome]").getAttribute("role")).isEqualTo("alert");

    assertThat(app.bean(AuditLog.class).list(new AuditLog.Query("connector.run", "admin", INSTANCE, null, null, 10, 0))
        .total()).as("run-now is audited as the API's").isPositive();
  }

  /** Presses run now on the instance (Enter on the focused button), accepts the confirmation, and returns the outcome shown. */
  private String runNow() {
    WebElement button = find("button[aria-label='Run " + INSTANCE + " now']");
    // Empty the outcome region, so that even the same message twice is seen to arrive.
    ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("document.getElementById('run-outcome').innerHTML = ''");
    button.sendKeys(Keys.ENTER); // by keyboard, as a keyboard user would
    String question = driver.switchTo().alert().getText();
    assertThat(question).contains("Collect from " + INSTANCE + " now?");
    driver.switchTo().alert().accept();
    waitFor().until(d -> !findAll("#run-outcome [data-outcome]").isEmpty());
    return find("#run-outcome").getText();
  }
}
