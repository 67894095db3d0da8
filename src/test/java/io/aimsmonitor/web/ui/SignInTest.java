package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Sign-in and sign-out through the UI's own page, and the navigation each role sees. */
class SignInTest extends BrowserTest {

  @Test
  void signInPageIsAccessibleAndAWrongPasswordSaysSo() {
    driver.manage().deleteAllCookies();
    open("/findings");
    assertThat(driver.getCurrentUrl()).as("a page asks for sign-in first").contains("/login");
    assertThat(find("h1").getText()).isEqualTo("Sign in");
    assertAccessible();

    find("#username").sendKeys(UiFixture.VIEWER);
    find("#password").sendKeys("not-the-password");
    find("form button[type=submit]").click();
    waitFor().until(d -> d.getCurrentUrl().contains("/login?error"));
    assertThat(find("[role=alert]").getText()).contains("not right");
  }

  @Test
  void viewerSeesNoAdminPagesAndSignsOut() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    assertThat(find(".user").getText()).contains(UiFixture.VIEWER).contains("viewer");
    assertThat(findAll("nav a")).extracting(e -> e.getText())
        .contains("Overview", "Findings", "AI systems", "Controls", "Connectors", "Rule packs")
        .doesNotContain("Audit log", "API tokens");
    signOut();
    assertThat(find("[role=status]").getText()).contains("signed out");
    open("/");
    assertThat(driver.getCurrentUrl()).contains("/login");
  }

  @Test
  void adminSeesTheAuditLogAndTokensInTheNavigation() {
    signInAsAdmin();
    assertThat(driver.findElements(By.cssSelector("nav a"))).extracting(e -> e.getText())
        .contains("Audit log", "API tokens");
  }
}
