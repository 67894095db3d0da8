package io.aimsmonitor.web.ui;

import static org.junit.jupiter.api.Assertions.fail;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.TestAccess;
import io.aimsmonitor.web.security.LocalUsers;
import io.aimsmonitor.web.security.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The one running service and the one headless Chromium that every browser test shares, started
 * on first use and stopped when the test JVM exits: starting either costs seconds, so each test
 * class must not start its own (see {@link BrowserTest}).
 *
 * <p>The service serves the bundled demo (the repository's {@code connectors/} and {@code rules/})
 * on an ephemeral port, with an embedded H2 in a temporary folder, plus one test-only source,
 * {@value #HOSTILE_SOURCE}, whose model name carries a {@code <script>} element: pages must show it
 * as text. Users: the first admin, reviewer {@value #REVIEWER} and viewer {@value #VIEWER}, all with
 * {@link #PASSWORD} (the admin's is {@link TestAccess#ADMIN_PASSWORD}), and a second reviewer
 * {@value #SECOND_REVIEWER}: four-eyes mode is on ({@code aims.review.four-eyes}), so a waiver is
 * in force once another reviewer than its requester approves it.
 *
 * <p>Chromium is Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs
 * them). Without them a browser test is skipped with a message, and fails when {@code CI=true}.
 */
public final class UiFixture {

  public static final String REVIEWER = "rita";
  public static final String SECOND_REVIEWER = "rob";
  public static final String VIEWER = "vera";
  public static final String PASSWORD = "ui-test-password-not-secret";
  public static final String HOSTILE_SOURCE = "partner-registry";
  /** The model name of the hostile source: a script element, which must never run. */
  public static final String HOSTILE_NAME = "fraud-<script>window.aimsPwned=1</script>-model";

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** The running service. */
  public record App(ConfigurableApplicationContext context, String baseUrl, Path dataDir, Path connectorsDir) {
    public <T> T bean(Class<T> type) {
      return context.getBean(type);
    }
  }

  private static App app;
  private static WebDriver driver;

  private UiFixture() {}

  /** Chromium and its driver, or skip (outside CI) / fail (CI=true) with what to install. */
  static void requireChromium() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String message = "browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
        + "): apt-get install -y chromium chromium-driver";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + ". CI=true: a missing browser is a failure, not a skip.");
    }
    System.err.println("SKIPPED: " + message);
    Assumptions.abort(message + ". Skipping outside CI.");
  }

  public static synchronized App app() {
    if (app == null) {
      app = startApp();
    }
    return app;
  }

  public static synchronized WebDriver driver() {
    requireChromium();
    if (driver == null) {
      driver = startBrowser();
    }
    return driver;
  }

  private static App startApp() {
    try {
      Path root = Files.createTempDirectory("aims-ui-test");
      Path data = Files.createDirectories(root.resolve("data"));
      Path connectors = Files.createDirectories(root.resolve("connectors"));
      try (Stream<Path> files = Files.list(Path.of("connectors"))) {
        for (Path f : files.toList()) {
          Files.copy(f, connectors.resolve(f.getFileName()));
        }
      }
      writeHostileEstate(connectors);
      // A copy of the rule packs, so that a test may add a broken pack (RulePacksPageTest) without
      // touching the repository's rules/.
      Path rules = root.resolve("rules");
      try (Stream<Path> tree = Files.walk(Path.of("rules"))) {
        for (Path f : tree.toList()) {
          Path target = rules.resolve(Path.of("rules").relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(target);
          } else {
            Files.copy(f, target);
          }
        }
      }
      ConfigurableApplicationContext context = new SpringApplicationBuilder(AimsMonitorApplication.class)
          // arguments, not default properties: application.yaml's values must not win over these
          .run("--server.port=0", "--server.address=127.0.0.1", "--aims.data-dir=" + data,
              "--aims.connectors-dir=" + connectors, "--aims.rules-dir=" + rules,
              "--aims.scheduler.evaluation-debounce=100ms", "--aims.review.four-eyes=true",
              "--" + TestAccess.ADMIN_PASSWORD_PROPERTY);
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(root)));
      LocalUsers users = context.getBean(LocalUsers.class);
      users.create(REVIEWER, Role.REVIEWER, PASSWORD);
      users.create(SECOND_REVIEWER, Role.REVIEWER, PASSWORD);
      users.create(VIEWER, Role.VIEWER, PASSWORD);
      App started = new App(context, "http://127.0.0.1:" + port, data, connectors);
      awaitFindings(started);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the demo and the hostile source have been collected and evaluated. */
  private static void awaitFindings(App app) {
    FindingRepository findings = app.bean(FindingRepository.class);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      if (findings.count(FindingFilter.all().and(FindingFilter.sources(java.util.List.of(HOSTILE_SOURCE)))) > 0
          && findings.count(FindingFilter.all().and(FindingFilter.sources(java.util.List.of("demo-mlflow")))) > 0) {
        return;
      }
      sleep(200);
    }
    fail("the UI test service had no findings of the demo and of " + HOSTILE_SOURCE + " within 90 s");
  }

  /** A file source with one production model whose name is a script element. */
  private static void writeHostileEstate(Path connectors) throws IOException {
    Path estate = Files.createDirectories(connectors.getParent().resolve("partner"));
    Files.writeString(estate.resolve("models.yaml"), """
        - kind: ModelVersion
          registry: partner
          modelName: "%s"
          version: "1"
          stage: Production
          description: "Scores card payments <img src=x onerror=window.aimsPwned=2>"
          tags: {aims.system: partner-fraud}
          createdAt: 2026-06-01T09:00:00Z
          updatedAt: 2026-06-01T09:00:00Z
          sourceUrl: "https://partner.example/models/1?a=<b>"
        """.formatted(HOSTILE_NAME));
    Files.writeString(connectors.resolve(HOSTILE_SOURCE + ".yaml"), """
        # Test only (UiFixture): a partner's registry export whose model name is a script element.
        id: %s
        type: file
        enabled: true
        options:
          paths: [%s]
        """.formatted(HOSTILE_SOURCE, estate.resolve("models.yaml")));
  }

  private static WebDriver startBrowser() {
    try {
      Path profile = Files.createTempDirectory("aims-ui-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--user-data-dir=" + profile,
          "--window-size=1280,900", "--lang=en-US");
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
          .usingAnyFreePort().build();
      ChromeDriver chrome = new ChromeDriver(service, options);
      chrome.manage().window().setSize(new Dimension(1280, 900));
      // generous: CI machines shared by several builds render slowly, and a timeout proves nothing
      chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          chrome.quit();
        } finally {
          deleteQuietly(profile);
        }
      }));
      return chrome;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
