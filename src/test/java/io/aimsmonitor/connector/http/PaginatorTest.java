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
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
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
    try (ApiClient api = client()) {
      pages = new Paginator(api, 10).byToken("/list", Map.of("max_results", 2), "page_token", "next_page_token",
          page -> page.body().get("items").forEach(n -> items.add(n.asInt())));
    }
    assertThat(pages).isEqualTo(3);
    assertThat(items).containsExactly(1, 2, 3, 4);
    assertThat(progressPages).hasSize(3);
    server.verify(3, getRequestedFor(urlPathEqualTo("/list")).withQueryParam("max_results", equalTo("2")));
  }

  @Test
  void anEmptyTokenEndsTheListing() throws Exception {
    server.stubFor(get(urlPathEqualTo("/list")).willReturn(okJson("{\"items\":[],\"next_page_token\":\"\"}")));
    try (ApiClient api = client()) {
      assertThat(new Paginator(api, 10).byToken("/list", Map.of(), "page_token", "next_page_token", page -> {}))
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
    try (ApiClient api = client()) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> new Paginator(api, 3)
          .byToken("/list", Map.of("max_results", 5), "page_token", "next_page_token", page -> {}));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).contains("connector 'test'", server.baseUrl() + "/list?max_results=5",
          "3 pages", "http.maxPages");
      assertThat(api.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void aTokenThatComesBackFailsInsteadOfPagingForever() throws Exception {
    server.stubFor(get(urlPathEqualTo("/list")).willReturn(okJson("{\"next_page_token\":\"same\"}")));
    try (ApiClient api = client()) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> new Paginator(api, 1000)
          .byToken("/list", Map.of(), "page_token", "next_page_token", page -> {}));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(e.getMessage()).contains("'same' was already returned");
      assertThat(api.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void aTokenThatIsNotAStringOrABodyThatIsNotAnObjectIsMalformed() throws Exception {
    server.stubFor(get(urlPathEqualTo("/number")).willReturn(okJson("{\"next_page_token\":7}")));
    server.stubFor(get(urlPathEqualTo("/array")).willReturn(okJson("[]")));
    try (ApiClient api = client()) {
      Paginator paginator = new Paginator(api, 10);
      ConnectorException number = catchThrowableOfType(ConnectorException.class,
          () -> paginator.byToken("/number", Map.of(), "page_token", "next_page_token", page -> {}));
      assertThat(number.reason()).isEqualTo("malformed");
      assertThat(number.getMessage()).contains("/number", "next_page_token: expected a string, got number");
      ConnectorException array = catchThrowableOfType(ConnectorException.class,
          () -> paginator.byToken("/array", Map.of(), "page_token", "next_page_token", page -> {}));
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
    try (ApiClient api = client()) {
      int pages = new Paginator(api, 10).byLink(URI.create(server.baseUrl() + "/models"), Map.of(),
          page -> page.body().forEach(n -> items.add(n.asInt())));
      assertThat(pages).isEqualTo(2);
    }
    assertThat(items).containsExactly(1, 2);
  }

  @Test
  void aLinkBackToAnEarlierPageFails() throws Exception {
    server.stubFor(get(urlPathEqualTo("/models"))
        .willReturn(okJson("[]").withHeader("Link", "</models>; rel=\"next\"")));
    try (ApiClient api = client()) {
      ConnectorException e = catchThrowableOfType(ConnectorException.class, () -> new Paginator(api, 10)
          .byLink(URI.create(server.baseUrl() + "/models"), Map.of(), page -> {}));
      assertThat(e.reason()).isEqualTo("malformed");
      assertThat(api.requestCount()).isEqualTo(1);
    }
  }

  private ApiClient client() throws ConnectorException {
    Progress progress = new Progress() {
      @Override public void page(String what) {
        progressPages.add(what);
      }
      @Override public void items(int count) {}
      @Override public void rateLimitWait(Duration wait) {}
    };
    return new HttpClientFactory(ApiClientTest.config(URI.create(server.baseUrl()), AuthConfig.NONE,
        ApiClientTest.settings(0)), new Secrets(Map.of()), progress, Cancellation.NEVER, Clock.systemUTC(),
        ms -> {}).open();
  }
}
