package io.aimsmonitor.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.sun.net.httpserver.HttpServer;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared HTTP layer over real HTTP: retries, waits, timeouts, auth failures, redirects, secrets, in-flight bound. */
class ApiClientTest {

  private static final String TOKEN = "dapi5f3c9e1b7a2d4c6e8f0a1b3c5d7e9f2a";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  @RegisterExtension
  static WireMockExtension otherHost = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  private final List<Long> sleeps = Collections.synchronizedList(new ArrayList<>());
  private final List<Duration> rateLimitWaits = Collections.synchronizedList(new ArrayList<>());

  @Test
  void waitsAsLongAsRetryAfterSaysOn429AndThenSucceeds() throws Exception {
    server.stubFor(get("/items").inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
            .withBody("{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}"))
        .willSetStateTo("ok"));
    server.stubFor(get("/items").inScenario("rl").whenScenarioStateIs("ok").willReturn(okJson("{\"n\":1}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      assertThat(api.get("/items", Map.of()).get("n").asInt()).isEqualTo(1);
      assertThat(api.requestCount()).isEqualTo(2);
    }
    assertThat(sleeps).containsExactly(7_000L);
    assertThat(rateLimitWaits).containsExactly(Duration.ofSeconds(7));
    server.verify(2, getRequestedFor(urlPathEqualTo("/items")));
  }

  @Test
  void copiesShareOneWatchdogThreadThatStopsWhenTheRunClosesItsClient() throws Exception {
    server.stubFor(get("/items").willReturn(okJson("{\"n\":1}")));
    ApiClient api = client(bearer(), settings(0));
    // what github-actions and gitlab-ci do in a run: copies with a rate-limit budget and a token
    ApiClient copy = api.withRateLimitDeadline(java.time.Instant.now().plusSeconds(60))
        .withAuthorization("Authorization", "Bearer other");
    api.get("/items", Map.of());
    copy.get("/items", Map.of());
    assertThat(watchdogThreads()).as("one watchdog for the client and its copies").isEqualTo(1);
    api.close(); // the run closes the client it was given, never the copies
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (watchdogThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(watchdogThreads()).as("no watchdog thread outlives the run").isZero();
  }

  private static long watchdogThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("aims-http-watch-test")).count();
  }

  @Test
  void retriesA500WithJitteredBackoffAndThenSucceeds() throws Exception {
    server.stubFor(get("/items").inScenario("5xx").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(500).withBody("{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"db\"}"))
        .willSetStateTo("ok"));
    server.stubFor(get("/items").inScenario("5xx").whenScenarioStateIs("ok").willReturn(okJson("{\"n\":2}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      assertThat(api.get("/items", Map.of()).get("n").asInt()).isEqualTo(2);
    }
    // first backoff: full jitter between half and all of the 500 ms base delay
    assertThat(sleeps).singleElement().satisfies(ms -> assertThat(ms).isBetween(250L, 500L));
    assertThat(rateLimitWaits).isEmpty();
  }

  @Test
  void persistent5xxFailsAfterMaxRetriesWithTheVendorMessage() throws Exception {
    server.stubFor(get("/items").willReturn(aResponse().withStatus(503)
        .withBody("{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"maintenance window\"}")));

    try (ApiClient api = client(bearer(), settings(2))) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> api.get("/items", Map.of()));
      assertThat(e.reason()).isEqualTo("http_5xx");
      assertThat(e.getMessage()).contains("connector 'test'", server.baseUrl() + "/items", "HTTP 503",
          "after 3 attempts", "TEMPORARILY_UNAVAILABLE: maintenance window");
    }
    server.verify(3, getRequestedFor(urlPathEqualTo("/items")));
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void aTimeoutIsRetriedAndThenFailsWithReasonTimeout() throws Exception {
    server.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(1_500)));
    HttpSettings fast = new HttpSettings(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMinutes(1),
        1, 4, 100, null, null);

    try (ApiClient api = client(bearer(), fast)) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> api.get("/slow", Map.of()));
      assertThat(e.reason()).isEqualTo("timeout");
      assertThat(e.getMessage()).contains("connector 'test'", server.baseUrl() + "/slow", "after 2 attempts",
          "http.requestTimeout");
      assertThat(api.requestCount()).isEqualTo(2);
    }
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void aBodyThatIsNotJsonFailsAsMalformedNamingUrlAndContentType() throws Exception {
    server.stubFor(get("/items").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
        .withBody("<html><body>Sign in to Acme SSO</body></html>")));

    try (ApiClient api = client(bearer(), settings(4))) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> api.get("/items", Map.of()));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).contains(server.baseUrl() + "/items", "text/html", "not valid JSON");
      assertThat(api.requestCount()).as("a bad body is not retried").isEqualTo(1);
    }
  }

  @Test
  void truncatedJsonIsMalformed() throws Exception {
    server.stubFor(get("/items").willReturn(okJson("{\"registered_models\": [{\"name\": \"a\"")));

    try (ApiClient api = client(bearer(), settings(4))) {
      assertThatThrownBy(() -> api.get("/items", Map.of()))
          .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.reason()).isEqualTo("malformed"));
    }
  }

  @Test
  void aStreamedBodyGoesToTheReaderAsItArrivesWithinTheSizeLimit() throws Exception {
    String body = "{\"items\": [" + "1,".repeat(2_000) + "2]}";
    server.stubFor(get("/big").willReturn(okJson(body).withChunkedDribbleDelay(4, 20))); // chunked: no length to refuse up front
    server.stubFor(get("/small").willReturn(okJson("{\"items\": [1, 2]}").withHeader("ETag", "\"v1\"")));
    server.stubFor(get("/small").withHeader("If-None-Match", containing("v1")).willReturn(aResponse().withStatus(304)));
    HttpSettings limited = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(1), 2, 4,
        100, null, null, 1_000);

    try (ApiClient api = client(bearer(), limited)) {
      ApiClient.BodyReader<Integer> bytes = in -> in.readAllBytes().length;
      ApiClient.Streamed<Integer> small = api.getStreamed(api.url("/small", Map.of()), Map.of(), bytes);
      assertThat(small.value()).isEqualTo("{\"items\": [1, 2]}".length());
      String etag = small.response().header("etag").orElseThrow(); // "v1", or "v1--gzip" from WireMock's Jetty

      ApiClient.Streamed<Integer> unchanged = api.getStreamed(api.url("/small", Map.of()),
          Map.of("If-None-Match", etag), bytes);
      assertThat(unchanged.response().status()).isEqualTo(304);
      assertThat(unchanged.value()).as("a 304 has no body to read").isNull();

      ConnectorException tooLarge = catchThrowableOfType(ConnectorException.class,
          () -> api.getStreamed(api.url("/big", Map.of()), Map.of(), bytes));
      assertThat(tooLarge.reason()).isEqualTo("too_large");
      assertThat(tooLarge.getMessage()).contains("/big", "larger than http.maxResponseBytes 1000");
    }
  }

  @Test
  void aStreamedReadersOwnFailureIsThrownAsItIsAndNotRetried() throws Exception {
    server.stubFor(get("/items").willReturn(okJson("{\"items\": 1}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> api.getStreamed(
          api.url("/items", Map.of()), Map.of(), in -> {
            throw new ConnectorException("malformed", "expected an array of items");
          }));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).isEqualTo("expected an array of items");
      assertThat(api.requestCount()).as("a bad body is not retried").isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void refusedCredentialsFailAtOnceWithOneRequest(int status) throws Exception {
    server.stubFor(get("/items").willReturn(aResponse().withStatus(status)
        .withBody("{\"error_code\":\"PERMISSION_DENIED\",\"message\":\"Invalid access token.\"}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> api.get("/items", Map.of()));
      assertThat(e.reason()).isEqualTo("auth");
      assertThat(e.getMessage()).contains("HTTP " + status, server.baseUrl() + "/items", "bearer auth from env:TOKEN",
          "PERMISSION_DENIED: Invalid access token.");
    }
    server.verify(1, getRequestedFor(urlPathEqualTo("/items")));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void a403ThatSaysTheRateLimitIsExhaustedIsRetriedNotAnAuthFailure() throws Exception {
    long reset = Clock.systemUTC().instant().getEpochSecond() + 30;
    server.stubFor(get("/items").inScenario("gh").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(403).withHeader("x-ratelimit-remaining", "0")
            .withHeader("x-ratelimit-reset", Long.toString(reset)).withBody("{\"message\":\"API rate limit exceeded\"}"))
        .willSetStateTo("ok"));
    server.stubFor(get("/items").inScenario("gh").whenScenarioStateIs("ok").willReturn(okJson("{}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      api.get("/items", Map.of());
    }
    assertThat(sleeps).singleElement().satisfies(ms -> assertThat(ms).isBetween(28_000L, 30_000L));
  }

  @Test
  void aRedirectToAnotherHostDoesNotCarryTheAuthorizationHeader() throws Exception {
    server.stubFor(get("/artifacts/model.json").willReturn(aResponse().withStatus(302)
        .withHeader("Location", otherHost.baseUrl() + "/bucket/model.json")));
    otherHost.stubFor(get("/bucket/model.json").willReturn(okJson("{\"signed\":true}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      assertThat(api.get("/artifacts/model.json", Map.of()).get("signed").asBoolean()).isTrue();
      assertThat(api.requestCount()).isEqualTo(2);
    }
    server.verify(getRequestedFor(urlPathEqualTo("/artifacts/model.json"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    otherHost.verify(getRequestedFor(urlPathEqualTo("/bucket/model.json")).withHeader("Authorization", absent()));
  }

  @Test
  void aRedirectWithinTheConfiguredOriginKeepsTheAuthorizationHeader() throws Exception {
    server.stubFor(get("/old").willReturn(aResponse().withStatus(301).withHeader("Location", "/new")));
    server.stubFor(get("/new").willReturn(okJson("{}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      api.get("/old", Map.of());
    }
    server.verify(getRequestedFor(urlPathEqualTo("/new")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void anAbsoluteUrlOnAnotherHostGetsNoCredentials() throws Exception {
    otherHost.stubFor(get("/page2").willReturn(okJson("{}")));

    try (ApiClient api = client(bearer(), settings(4))) {
      api.get(URI.create(otherHost.baseUrl() + "/page2"));
    }
    otherHost.verify(getRequestedFor(urlPathEqualTo("/page2")).withHeader("Authorization", absent()));
  }

  @Test
  void theSecretNeverAppearsInAnyExceptionMessage() throws Exception {
    String echo = "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"bad header: Authorization: Bearer " + TOKEN + "\"}";
    server.stubFor(get("/401").willReturn(aResponse().withStatus(401).withBody(echo)));
    server.stubFor(get("/500").willReturn(aResponse().withStatus(500).withBody("proxy debug: " + TOKEN)));
    server.stubFor(get("/400").willReturn(aResponse().withStatus(400).withBody(echo)));
    // a bad JSON body starting with the token: the parser quotes the offending token
    server.stubFor(get("/bad").willReturn(okJson(TOKEN + " trailing")));
    server.stubFor(get("/redirect").willReturn(aResponse().withStatus(302)
        .withHeader("Location", otherHost.baseUrl() + "/denied")));
    otherHost.stubFor(get("/denied").willReturn(aResponse().withStatus(403).withBody(echo)));

    List<Throwable> failures = new ArrayList<>();
    try (ApiClient api = client(bearer(), settings(1))) {
      for (String path : List.of("/401", "/500", "/400", "/bad", "/redirect")) {
        failures.add(catchThrowableOfType(ConnectorException.class, () -> api.get(path, Map.of())));
      }
    }
    try (ApiClient api = client(new AuthConfig("basic", null, "svc-aims", new SecretRef("TOKEN", null), null),
        settings(1))) {
      failures.add(catchThrowableOfType(ConnectorException.class, () -> api.get("/401", Map.of())));
    }

    assertThat(failures).hasSize(6).doesNotContainNull();
    for (Throwable failure : failures) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(TOKEN.substring(0, SecretMask.MIN_ECHO));
        assertThat(t.toString()).doesNotContain(TOKEN.substring(0, SecretMask.MIN_ECHO));
      }
    }
    // the message is still useful: the vendor's text around the masked value survives
    assertThat(failures.get(0).getMessage()).contains("UNAUTHENTICATED", "bad header: Authorization: ***");
  }

  @Test
  void noMoreThanMaxInFlightRequestsAreOpenAtOnce() throws Exception {
    AtomicInteger open = new AtomicInteger();
    AtomicInteger maxOpen = new AtomicInteger();
    HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slow.setExecutor(Executors.newFixedThreadPool(16));
    slow.createContext("/", exchange -> {
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      try {
        Thread.sleep(40);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      open.decrementAndGet();
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    slow.start();
    ConnectorConfig config = config(URI.create("http://127.0.0.1:" + slow.getAddress().getPort()), AuthConfig.NONE,
        settings(0, 2));
    // a pool far larger than maxInFlight, so that only the client's own bound can hold the line
    var pool = PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(50).setMaxConnPerRoute(50).build();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try (ApiClient api = new ApiClient(config, HttpClients.custom().setConnectionManager(pool).build(), null,
        Progress.NONE, Cancellation.NEVER, Clock.systemUTC(), RetryPolicy.of(0), sleeps::add)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        calls.add(callers.submit(() -> {
          start.await();
          return api.get("/x", Map.of());
        }));
      }
      start.countDown();
      for (Future<?> call : calls) {
        call.get(30, TimeUnit.SECONDS);
      }
      assertThat(api.requestCount()).isEqualTo(24);
    } finally {
      callers.shutdownNow();
      slow.stop(0);
      ((ExecutorService) slow.getExecutor()).shutdownNow();
    }
    assertThat(maxOpen.get()).as("requests open at once").isEqualTo(2);
  }

  private ApiClient client(AuthConfig auth, HttpSettings http) throws ConnectorException {
    ConnectorConfig config = config(URI.create(server.baseUrl()), auth, http);
    Progress progress = new Progress() {
      @Override public void page(String what) {}
      @Override public void items(int count) {}
      @Override public void rateLimitWait(Duration wait) {
        rateLimitWaits.add(wait);
      }
    };
    return new HttpClientFactory(config, new Secrets(Map.of("TOKEN", TOKEN)), progress, Cancellation.NEVER,
        Clock.systemUTC(), sleeps::add).open();
  }

  static ConnectorConfig config(URI baseUrl, AuthConfig auth, HttpSettings http) {
    return new ConnectorConfig("test", "test", baseUrl, auth, "0 0 * * * ?", Duration.ofHours(1), Duration.ofDays(1),
        true, http, Map.of(), Path.of("connectors/test.yaml"));
  }

  private static AuthConfig bearer() {
    return new AuthConfig("bearer", new SecretRef("TOKEN", null), null, null, null);
  }

  static HttpSettings settings(int maxRetries) {
    return settings(maxRetries, 4);
  }

  static HttpSettings settings(int maxRetries, int maxInFlight) {
    return new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(1), maxRetries,
        maxInFlight, 100, null, null);
  }
}
