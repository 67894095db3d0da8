package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.testing.TestAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Pages 2 and 3 as the scenarios: a reviewer filters findings, opens one, waives it with a
 * justification and an expiry, and sees the waiver in its history and in the audit log; a viewer
 * finds no actions; a source system's name with a script element shows as text.
 */
class FindingsPageTest extends BrowserTest {

  @Test
  void reviewerFiltersOpensAndWaivesAFindingWhichTheHistoryAndAuditLogShow() throws Exception {
    signIn(UiFixture.REVIEWER, UiFixture.PASSWORD);
    open("/findings");
    new Select(find("#f-status")).selectByValue("open");
    new Select(find("#f-severity")).selectByValue("high");
    find("#f-source").sendKeys("demo-mlflow");
    find("form.filters button[type=submit]").click();
    waitFor().until(d -> d.getCurrentUrl().contains("severity=high"));
    assertThat(driver.getCurrentUrl()).as("the URL is the view, blank fields left out")
        .contains("status=open").contains("source=demo-mlflow").doesNotContain("text=");
    List<WebElement> rows = findAll("tbody tr");
    assertThat(rows).isNotEmpty();
    assertThat(findAll("tbody .badge.sev-medium, tbody .badge.sev-low")).as("severity at least high").isEmpty();
    assertThat(findAll("tbody td:nth-child(6)")).extracting(WebElement::getText).containsOnly("demo-mlflow");
    assertAccessible();
    screenshot("findings");

    rows.get(0).findElement(By.cssSelector("td a")).click();
    waitFor().until(d -> d.getCurrentUrl().matches(".*/findings/[0-9a-f]{32}$"));
    String findingUrl = driver.getCurrentUrl();
    String id = findingUrl.substring(findingUrl.lastIndexOf('/') + 1);
    assertThat(mainText()).contains("Why it matters and how to fix it", "Evidence", "Controls", "History", "Opened");
    assertAccessible();
    screenshot("finding-detail");

    find("#waive-form").findElement(By.xpath("..")).findElement(By.tagName("summary")).click();
    String justification = "Accepted until the Q1 model retraining replaces this version entirely.";
    find("#justification").sendKeys(justification);
    String expiry = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
    ((JavascriptExecutor) driver).executeScript("document.getElementById('expires-on').value = arguments[0]", expiry);
    find("#waive-form button[type=submit]").click();
    driver.switchTo().alert().accept(); // every action confirms first
    waitFor().until(d -> !findAll("[role=status]").isEmpty());
    assertThat(find("[role=status]").getText()).as("four-eyes mode").contains("requested")
        .contains("once another reviewer approves it");
    assertThat(find(".timeline li").getText()).as("newest event first").startsWith("Waiver requested")
        .contains("by " + UiFixture.REVIEWER);
    assertThat(mainText()).contains(justification).contains("Another reviewer must approve your request.");
    assertThat(findAll("main form[action$='/approve']")).as("no approving one's own waiver").isEmpty();

    // a second reviewer approves it
    signIn(UiFixture.SECOND_REVIEWER, UiFixture.PASSWORD);
    driver.get(findingUrl);
    find("main form[action$='/approve'] button").click();
    driver.switchTo().alert().accept();
    waitFor().until(d -> !findAll("[role=status]").isEmpty());
    assertThat(find("[role=status]").getText()).contains("approved");
    assertThat(find(".timeline li").getText()).startsWith("Waived").contains("by " + UiFixture.SECOND_REVIEWER);
    assertThat(find("main .badge.st-waived").getText()).isEqualTo("waived");
    assertThat(mainText()).contains("until " + expiry);

    open("/findings?status=waived");
    assertThat(driver.getPageSource()).contains(id);

    // the audit log (admin): the waiver request with its actor and target
    HttpResponse<String> audit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(app.baseUrl() + "/api/audit?action=waiver.*")).header("Authorization", TestAccess.adminBasic())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(audit.statusCode()).isEqualTo(200);
    assertThat(audit.body()).contains("waiver.request").contains(id).contains("\"" + UiFixture.REVIEWER + "\"")
        .contains("waiver.approve").contains("\"" + UiFixture.SECOND_REVIEWER + "\"");
  }

  @Test
  void reviewerAcknowledgesSelectedFindingsInBulkWithoutLeavingThePage() {
    signIn(UiFixture.REVIEWER, UiFixture.PASSWORD);
    open("/findings?status=open&sort=rule");
    List<WebElement> boxes = findAll("tbody input[name=id]");
    assertThat(boxes).hasSizeGreaterThanOrEqualTo(2);
    boxes.get(0).click();
    boxes.get(1).click();
    ((JavascriptExecutor) driver).executeScript("window.aimsSamePage = true");
    new Select(find("#b-action")).selectByValue("acknowledge");
    find("#bulk button[type=submit]").click();
    driver.switchTo().alert().accept();
    waitFor().until(d -> !findAll("#results [role=status]").isEmpty());
    assertThat(find("#results [role=status]").getText()).isEqualTo("Acknowledged 2 findings.");
    assertThat(((JavascriptExecutor) driver).executeScript("return window.aimsSamePage")).as("htmx, no reload")
        .isEqualTo(true);
    assertThat(findAll("tbody tr")).filteredOn(r -> r.getText().contains("acknowledged")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(driver.getCurrentUrl()).contains("sort=rule");
  }

  @Test
  void aBadViewSaysWhatIsWrongAndAnEmptyOneSaysSo() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/findings?severity=extreme");
    assertThat(find("#results [role=alert]").getText()).contains("severity");
    open("/findings?text=no-such-finding-anywhere");
    assertThat(find("#results .empty").getText()).contains("No finding matches these filters");
    assertAccessible();
    open("/findings/0123456789abcdef0123456789abcdef");
    assertThat(find("h1").getText()).isEqualTo("Not found");
  }

  @Test
  void viewerFindsNoActions() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/findings");
    assertThat(findAll("tbody tr")).isNotEmpty();
    assertThat(findAll("input[type=checkbox]")).as("no selection for bulk actions").isEmpty();
    assertThat(findAll("#bulk fieldset")).isEmpty();
    find("tbody td a").click();
    waitFor().until(d -> d.getCurrentUrl().matches(".*/findings/[0-9a-f]{32}$"));
    assertThat(findAll("#actions-h")).isEmpty();
    assertThat(findAll("main form")).as("no form on the page of a finding").isEmpty();
    assertAccessible();
  }

  @Test
  void aSourceSystemNameWithAScriptElementShowsAsText() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/findings?source=" + UiFixture.HOSTILE_SOURCE);
    assertThat(mainText()).contains(UiFixture.HOSTILE_NAME);
    findAll("tbody td a").stream().filter(a -> a.getText().contains(UiFixture.HOSTILE_NAME)).findFirst()
        .orElseThrow().click();
    waitFor().until(d -> d.getCurrentUrl().matches(".*/findings/[0-9a-f]{32}$"));
    assertThat(mainText()).contains(UiFixture.HOSTILE_NAME);
    assertThat(driver.findElements(By.xpath("//main//script[contains(., 'aimsPwned')]"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("main img"))).isEmpty();
    Object pwned = ((JavascriptExecutor) driver).executeScript("return window.aimsPwned === undefined");
    assertThat(pwned).as("no script from the source ran").isEqualTo(true);
    open("/");
    assertThat(((JavascriptExecutor) driver).executeScript("return window.aimsPwned === undefined")).isEqualTo(true);
  }
}
