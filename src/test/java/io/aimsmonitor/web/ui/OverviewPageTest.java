package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/** Page 1: the overview of the demo, its chart drawn by ECharts, accessible, and its screenshot. */
class OverviewPageTest extends BrowserTest {

  @Test
  void showsPostureTrendChangesSourcesAndWaivers() {
    signIn(UiFixture.VIEWER, UiFixture.PASSWORD);
    open("/");
    assertThat(find("h1").getText()).isEqualTo("Overview");
    String text = mainText();
    assertThat(text).contains("Posture per control family", "A.6 AI system life cycle", "Clause 8 Operation",
        "Open findings, last 30 days", "Since yesterday", "Sources", "demo-mlflow", "Waivers expiring");
    waitFor().until(d -> !findAll(".chart svg").isEmpty());
    assertThat((Boolean) ((JavascriptExecutor) driver).executeScript("return !!window.htmx && !!window.echarts"))
        .as("htmx and ECharts load from the WebJars").isTrue();
    assertThat(findAll("a[href*='/findings?status=open&control=']")).as("non-compliant families link to findings")
        .isNotEmpty();
    assertAccessible();
    screenshot("overview");
  }
}
