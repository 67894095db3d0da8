package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.web.security.ApiTokens;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

/** Page 8: the audit log and API tokens, for admins only; a new token is shown once. */
class AuditAndTokensPageTest extends BrowserTest {

  @Test
  void aViewerIsRefusedTheAuditLogAndTokensWithAPageNamingTheRoleNeeded() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    for (String page : new String[] {"/audit", "/tokens", "/tokens/1/revoke"}) {
      open(page);
      assertThat(find("h1").getText()).as(page).isEqualTo("Not allowed");
      assertThat(mainText()).as(page).contains("403", "The page " + page + " needs the admin role",
          "signed in as " + UiFixture.VIEWER + ", with the viewer role").doesNotContain("Create a token",
          "Audit log entries");
      assertThat(findAll("nav a[href='/findings']")).as(page + ": in the UI's layout, with its navigation").isNotEmpty();
      assertThat(findAll("nav a[href='/audit']")).as("the navigation still hides the admin pages").isEmpty();
    }
    assertAccessible();
    // what the browser received: a 403 HTML page, not a problem document
    Object answer = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/audit', {headers: {Accept: 'text/html'}})"
        + ".then(r => done(r.status + ' ' + r.headers.get('content-type')), e => done(String(e)));");
    assertThat(String.valueOf(answer)).startsWith("403 text/html");
  }

  @Test
  void adminCreatesATokenSeesItOnceRevokesItAndFindsBothInTheAuditLog() {
    signInAsAdmin();
    open("/tokens");
    assertAccessible();
    find("#name").sendKeys("ui-test-reader");
    new Select(find("#role")).selectByValue("viewer");
    find("form.token-form button[type=submit]").click();
    waitFor().until(d -> !findAll("#new-token-secret").isEmpty());
    String secret = find("#new-token-secret").getAttribute("value");
    assertThat(secret).startsWith(ApiTokens.PREFIX).hasSizeGreaterThan(40);
    assertThat(find(".created-token").getText()).contains("shown only this once");
    assertThat(app.bean(ApiTokens.class).authenticate(secret)).as("the token shown works").isPresent();
    assertAccessible();

    open("/tokens");
    assertThat(driver.getPageSource()).as("shown once: not on the next visit").doesNotContain(secret);
    assertThat(mainText()).contains("ui-test-reader");

    find("a[aria-label='Revoke token ui-test-reader']").click();
    waitFor().until(d -> find("h1").getText().equals("Revoke a token"));
    assertThat(mainText()).contains("ui-test-reader").contains("cannot be undone");
    assertAccessible();
    find("#confirm-revoke").click();
    waitFor().until(d -> d.getCurrentUrl().endsWith("/tokens"));
    assertThat(find("[role=status]").getText()).contains("Token ui-test-reader").contains("revoked");
    assertThat(app.bean(ApiTokens.class).authenticate(secret)).as("revoked").isEmpty();

    open("/audit?action=token.*");
    assertThat(mainText()).contains("token.create", "token.revoke", "ui-test-reader");
    assertAccessible();
  }

  @Test
  void aBadTokenRequestSaysWhyAndCreatesNothing() {
    signInAsAdmin();
    open("/tokens");
    find("#name").sendKeys("too-late");
    ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
        "document.getElementById('expiresOn').value = '2000-01-01'");
    find("form.token-form button[type=submit]").click();
    waitFor().until(d -> !findAll("main [role=alert]").isEmpty());
    assertThat(find("main [role=alert]").getText()).contains("No token created").contains("future");
    assertThat(findAll("#new-token-secret")).isEmpty();
  }

  @Test
  void theAuditLogFiltersAndPages() {
    AuditLog audit = app.bean(AuditLog.class);
    audit.recordAs("ui-test", "ui-test.paging", "first <b>entry</b>", null, java.util.Map.of("n", 1));
    audit.recordAs("ui-test", "ui-test.paging", "second entry", null, java.util.Map.of("n", 2));
    signInAsAdmin();
    open("/audit?action=ui-test.*&limit=1");
    assertThat(mainText()).contains("Entries 1-1 of").contains("second entry");
    find("a[rel=next]").click();
    waitFor().until(d -> d.getCurrentUrl().contains("offset=1"));
    assertThat(mainText()).contains("Entries 2-2 of").contains("first <b>entry</b>");
    assertThat(find("#action").getAttribute("value")).as("the filter stays while paging").isEqualTo("ui-test.*");
    open("/audit?action=no.such.action");
    assertThat(mainText()).contains("No entry matches.");
    open("/audit?from=yesterday");
    assertThat(mainText()).contains("from must be a date");
  }
}
