package io.aimsmonitor.connector.http;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PageGuard;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Walks a paged HTTP listing to its end. The safety nets (cancellation, {@code http.maxPages}, a
 * token or link the server already gave) and progress are a {@link PageGuard}'s, per listing,
 * named by the listing's first URL; this class only knows how the next page is found.
 *
 * <p>Two styles cover the APIs we read: a continuation token in the body, sent back as a query
 * parameter (MLflow {@code next_page_token}/{@code page_token}, Kubeflow {@code nextPageToken},
 * Unity Catalog), and RFC 8288 {@code Link: <...>; rel="next"} headers (GitHub, Hugging Face,
 * GitLab keyset), whose target is followed verbatim.
 */
public final class Paginator {

  /** Receives each page in order. */
  @FunctionalInterface
  public interface PageHandler {
    /** @return the number of items the page held, for progress */
    int accept(ApiResponse page) throws ConnectorException, InterruptedException;
  }

  /** Runs before each page request, once the guard has let it go out. */
  @FunctionalInterface
  public interface BeforeRequest {
    void run() throws ConnectorException, InterruptedException;
  }

  private final ApiClient api;
  private final CollectContext context;
  private final BeforeRequest beforeRequest;

  public Paginator(ApiClient api, CollectContext context) {
    this(api, context, () -> {});
  }

  private Paginator(ApiClient api, CollectContext context, BeforeRequest beforeRequest) {
    this.api = api;
    this.context = context;
    this.beforeRequest = beforeRequest;
  }

  /**
   * This paginator, running {@code hook} before every page request, the first included, e.g. to
   * wait out an exhausted rate-limit window. It does not run after the last page.
   */
  public Paginator beforeEachRequest(BeforeRequest hook) {
    return new Paginator(api, context, hook);
  }

  /**
   * GETs {@code path?query} and then again with {@code tokenParam=<token>} for as long as the body's
   * {@code tokenField} holds a non-empty string. An absent, null or empty token ends the listing.
   *
   * @return the number of pages fetched
   * @throws ConnectorException {@code malformed} when a body is not a JSON object, the token is not
   *     a string, or the {@link PageGuard} stops the listing
   */
  public int byToken(String path, Map<String, ?> query, String tokenParam, String tokenField, PageHandler handler)
      throws ConnectorException, InterruptedException {
    PageGuard guard = new PageGuard(context, ApiClient.display(api.url(path, query)));
    String token = null;
    while (true) {
      guard.beforePage(token);
      Map<String, Object> q = new LinkedHashMap<>(query);
      q.put(tokenParam, token);
      URI uri = api.url(path, q);
      ApiResponse page = fetch(uri, Map.of());
      if (!page.body().isObject()) {
        throw malformed(uri, "expected a JSON object, got " + describe(page.body()));
      }
      guard.afterPage(handler.accept(page));
      JsonNode next = page.body().get(tokenField);
      if (next == null || next.isNull() || (next.isString() && next.stringValue().isEmpty())) {
        return guard.pages();
      }
      if (!next.isString()) {
        throw malformed(uri, tokenField + ": expected a string, got " + describe(next));
      }
      token = next.stringValue();
    }
  }

  /**
   * GETs {@code first}, then each {@code Link rel="next"} target until a page has none.
   *
   * @return the number of pages fetched
   */
  public int byLink(URI first, Map<String, String> headers, PageHandler handler)
      throws ConnectorException, InterruptedException {
    PageGuard guard = new PageGuard(context, ApiClient.display(first));
    URI uri = first;
    while (true) {
      // the link as shown in messages identifies the page: a link back to the first page counts too
      guard.beforePage(ApiClient.display(uri));
      ApiResponse page = fetch(uri, headers);
      guard.afterPage(handler.accept(page));
      var next = page.nextLink();
      if (next.isEmpty()) {
        return guard.pages();
      }
      uri = next.get();
    }
  }

  private ApiResponse fetch(URI uri, Map<String, String> headers) throws ConnectorException, InterruptedException {
    beforeRequest.run();
    return api.get(uri, headers);
  }

  private ConnectorException malformed(URI uri, String what) {
    return new ConnectorException("malformed", "connector '" + api.connectorId() + "': response from "
        + ApiClient.display(uri) + ": " + what);
  }

  private static String describe(JsonNode node) {
    return node.isMissingNode() ? "an empty body" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
