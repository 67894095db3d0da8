package io.aimsmonitor.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PaginatorTest {

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  private final List<String> progressPages = new ArrayList<>();
  private final List<Integer> progressItems = new ArrayList<>();
  private volatile boolean cancelled;
  private CollectContext context;

  @Test
  void followsTokensUntilTheServerReturnsNoneAndKeepsTheQuery() throws Exception {
    server.stubFor(get(urlPathEqualTo("/list")).withQueryParam("page_token", absent())
        .willReturn(okJson("{\"items\":[1,2],\"next_page_token\":\"t1\"}")));
    server.stubFor(get(urlPathEqualTo("/list")).withQueryParam("page_token", equalTo("t1"))
        .willReturn(okJson("{\"items\":[3],\"next_page_token\":\"t2\"}")));
    server.stubFor(get(urlPathEqualTo("/list")).withQueryParam("page_token", equalTo("t2"))
        .willReturn(okJson("{\"items\":[4]}")));

    List<Integer> items = new ArrayList<>();
    int pages;
    try (ApiClient api = client(10)) {
      pages = new Paginator(api, context).byToken("/list", Map.of("max_results", 2), "page_token",
          "next_page_token", page -> {
            page.body().get("items").forEach(n -> items.add(n.asInt()));
            return page.body().get("items").size();
          });
    }
    assertThat(pages).isEqualTo(3);
    assertThat(items).containsExactly(1, 2, 3, 4);
    assertThat(progressPages).as("each page reported under the listing's first URL")
        .containsOnly(server.baseUrl() + "/list?max_results=2").hasSize(3);
    assertThat(progressItems).containsExactly(2, 1, 1);
    server.verify(3, getRequestedFor(urlPathEqualTo("/list")).withQueryParam("max_results", equalTo("2")));
  }

  @Test
  void anEmptyTokenEndsTheListing() throws Exception {
    server.stubFor(get(urlPathEqualTo("/list")).willReturn(okJson("{\"items\":[],\"next_page_token\":\"\"}")));
    try (ApiClient api = client(10)) {
      assertThat(new Paginator(api, context).byToken("/list", Map.of(), "page_token", "next_page_token", page -> 0))
          .isEqualTo(1);
    }
  }

  @Test
  void aListingLongerThanMaxPagesFailsAfterExactlyMaxPagesRequests() throws Exception {
    for (int i = 0; i < 10; i++) {
      server.stubFor(get(urlPathEqualTo("/list"))
          .withQueryParam("page_token", i == 0 ? absent() : equalTo("t" + i))
          .willReturn(okJson("{\"next_page_token\":\"t" + (i + 1) + "\"}")));
    }
    try (ApiClient api = client(3)) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> new Paginator(api, context)
          .byToken("/list", Map.of("max_results", 5), "page_token", "next_page_token", page -> 0));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).contains("connector 'test'", server.baseUrl() + "/list?max_results=5",
          "3 pages", "http.maxPages");
      assertThat(api.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void aTokenThatComesBackFailsInsteadOfPagingForever() throws Exception {
    server.stubFor(get(urlPathEqualTo("/list")).willReturn(okJson("{\"next_page_token\":\"same\"}")));
    try (ApiClient api = client(1000)) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> new Paginator(api, context)
          .byToken("/list", Map.of(), "page_token", "next_page_token", page -> 0));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).contains("connector 'test'", "listing " + server.baseUrl() + "/list",
          "next page 'same' was already fetched");
      assertThat(api.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void aTokenThatIsNotAStringOrABodyThatIsNotAnObjectIsMalformed() throws Exception {
    server.stubFor(get(urlPathEqualTo("/number")).willReturn(okJson("{\"next_page_token\":7}")));
    server.stubFor(get(urlPathEqualTo("/array")).willReturn(okJson("[]")));
    try (ApiClient api = client(10)) {
      Paginator paginator = new Paginator(api, context);
      ConnectorException number = catchThrowableOfType(ConnectorException.class,
          () -> paginator.byToken("/number", Map.of(), "page_token", "next_page_token", page -> 0));
      assertThat(number.reason()).isEqualTo("malformed");
      assertThat(number.getMessage()).contains("/number", "next_page_token: expected a string, got number");
      ConnectorException array = catchThrowableOfType(ConnectorException.class,
          () -> paginator.byToken("/array", Map.of(), "page_token", "next_page_token", page -> 0));
      assertThat(array.getMessage()).contains("/array", "expected a JSON object, got array");
    }
  }

  @Test
  void followsLinkHeadersVerbatimUntilThereIsNoNext() throws Exception {
    server.stubFor(get(urlPathEqualTo("/models")).withQueryParam("cursor", absent())
        .willReturn(okJson("[1]").withHeader("Link", "<" + server.baseUrl() + "/models?cursor=abc%3D>; rel=\"next\"")));
    server.stubFor(get(urlPathEqualTo("/models")).withQueryParam("cursor", equalTo("abc="))
        .willReturn(okJson("[2]")));
    List<Integer> items = new ArrayList<>();
    try (ApiClient api = client(10)) {
      int pages = new Paginator(api, context).byLink(URI.create(server.baseUrl() + "/models"), Map.of(), page -> {
        page.body().forEach(n -> items.add(n.asInt()));
        return page.body().size();
      });
      assertThat(pages).isEqualTo(2);
    }
    assertThat(items).containsExactly(1, 2);
  }

  @Test
  void aLinkBackToAnEarlierPageFails() throws Exception {
    server.stubFor(get(urlPathEqualTo("/models"))
        .willReturn(okJson("[]").withHeader("Link", "</models>; rel=\"next\"")));
    try (ApiClient api = client(10)) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> new Paginator(api, context)
          .byLink(URI.create(server.baseUrl() + "/models"), Map.of(), page -> 0));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).contains("connector 'test'", "listing " + server.baseUrl() + "/models",
          "next page '" + server.baseUrl() + "/models' was already fetched");
      assertThat(api.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void aTokenThatComesBackAfterAnotherFailsToo() throws Exception {
    server.stubFor(get(urlPathEqualTo("/list")).withQueryParam("page_token", absent())
        .willReturn(okJson("{\"next_page_token\":\"a\"}")));
    server.stubFor(get(urlPathEqualTo("/list")).withQueryParam("page_token", equalTo("a"))
        .willReturn(okJson("{\"next_page_token\":\"b\"}")));
    server.stubFor(get(urlPathEqualTo("/list")).withQueryParam("page_token", equalTo("b"))
        .willReturn(okJson("{\"next_page_token\":\"a\"}")));
    try (ApiClient api = client(1000)) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> new Paginator(api, context)
          .byToken("/list", Map.of(), "page_token", "next_page_token", page -> 0));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).contains("next page 'a' was already fetched");
      assertThat(api.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void theHookRunsBeforeEveryPageRequestAndNotAfterTheLast() throws Exception {
    server.stubFor(get(urlPathEqualTo("/models")).withQueryParam("cursor", absent())
        .willReturn(okJson("[1]").withHeader("Link", "</models?cursor=2>; rel=\"next\"")));
    server.stubFor(get(urlPathEqualTo("/models")).withQueryParam("cursor", equalTo("2")).willReturn(okJson("[2]")));
    List<Long> requestsBeforeHook = new ArrayList<>();
    try (ApiClient api = client(10)) {
      int pages = new Paginator(api, context).beforeEachRequest(() -> requestsBeforeHook.add(api.requestCount()))
          .byLink(URI.create(server.baseUrl() + "/models"), Map.of(), page -> 1);
      assertThat(pages).isEqualTo(2);
    }
    assertThat(requestsBeforeHook).as("requests already sent each time the hook ran").containsExactly(0L, 1L);
  }

  @Test
  void aCancelledRunSendsNoFurtherPageRequest() throws Exception {
    server.stubFor(get(urlPathEqualTo("/list")).willReturn(okJson("{\"next_page_token\":\"more\"}")));
    try (ApiClient api = client(10)) {
      Paginator paginator = new Paginator(api, context);
      Throwable t = catchThrowableOfType(InterruptedException.class, () -> paginator.byToken("/list", Map.of(),
          "page_token", "next_page_token", page -> {
            cancelled = true;
            return 0;
          }));
      assertThat(t).isNotNull();
      assertThat(api.requestCount()).isEqualTo(1);
    }
  }

  /** A client and {@link #context} for an instance with {@code maxPages}, reporting progress to this test. */
  private ApiClient client(int maxPages) throws ConnectorException {
    Progress progress = new Progress() {
      @Override public void page(String what) {
        progressPages.add(what);
      }
      @Override public void items(int count) {
        progressItems.add(count);
      }
      @Override public void rateLimitWait(Duration wait) {}
    };
    HttpSettings settings = ApiClientTest.settings(0);
    ConnectorConfig config = ApiClientTest.config(URI.create(server.baseUrl()), AuthConfig.NONE,
        new HttpSettings(settings.connectTimeout(), settings.requestTimeout(), settings.runTimeout(),
            settings.maxRetries(), settings.maxInFlight(), maxPages, null, null));
    CollectContext.Cancellation cancellation = () -> cancelled;
    HttpClientFactory http = new HttpClientFactory(config, new Secrets(Map.of()), progress, cancellation,
        Clock.systemUTC(), ms -> {});
    context = new CollectContext(config, http, fact -> {}, cancellation, progress, List.of(), true, Clock.systemUTC());
    return http.open();
  }
}
