package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Base of the browser tests of the web UI: the shared service and Chromium of {@link UiFixture},
 * and the steps every test needs (sign in, open a page, check accessibility, save a screenshot).
 * The browser is shared, so each test starts by signing in as whom it needs ({@link #signIn}
 * signs out first).
 */
@Tag("browser")
public abstract class BrowserTest {

  /** Where the README's screenshots are written. */
  static final Path SCREENSHOTS = Path.of("docs", "screenshots");
  private static final Set<String> BLOCKING = Set.of("serious", "critical");

  protected static UiFixture.App app;
  protected static WebDriver driver;

  @BeforeAll
  static void sharedServiceAndBrowser() {
    UiFixture.requireChromium();
    app = UiFixture.app();
    driver = UiFixture.driver();
  }

  /** Opens a path of the service, e.g. {@code /findings?severity=high}. */
  protected void open(String path) {
    driver.get(app.baseUrl() + path);
  }

  /** Signs out whoever is signed in, then signs in through the sign-in page. */
  protected void signIn(String user, String password) {
    driver.manage().deleteAllCookies();
    open("/login");
    driver.findElement(By.id("username")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.cssSelector("form button[type=submit]")).click();
    waitFor().until(d -> !d.getCurrentUrl().contains("/login"));
  }

  protected void signInAsAdmin() {
    signIn("admin", io.aimsmonitor.testing.TestAccess.ADMIN_PASSWORD);
  }

  /** Signs out with the navigation's button. */
  protected void signOut() {
    driver.findElement(By.cssSelector(".user form button")).click();
    waitFor().until(d -> d.getCurrentUrl().contains("/login?logout"));
  }

  protected WebDriverWait waitFor() {
    return new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  protected WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  protected List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The visible text of the page's main element. */
  protected String mainText() {
    return find("main").getText();
  }

  /**
   * Runs axe-core on the current page and fails on any serious or critical violation, naming the
   * rule, what to do, and the elements.
   */
  protected void assertAccessible() {
    Results results = new AxeBuilder().analyze(driver);
    List<String> blocking = results.getViolations().stream().filter(r -> BLOCKING.contains(r.getImpact()))
        .map(BrowserTest::describe).toList();
    assertThat(blocking).as("axe-core serious/critical violations on %s", driver.getCurrentUrl()).isEmpty();
  }

  private static String describe(Rule rule) {
    return rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at "
        + rule.getNodes().stream().limit(5).map(n -> String.valueOf(n.getTarget())).toList();
  }

  /** Saves the current page as docs/screenshots/{name}.png (for the README). */
  protected void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      // The whole page (up to 2400 px high) at the laptop width the UI is laid out for.
      Number height = (Number) ((org.openqa.selenium.JavascriptExecutor) driver)
          .executeScript("return document.documentElement.scrollHeight");
      driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, Math.min(2400, Math.max(900,
          height.intValue()))));
      Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
      driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
