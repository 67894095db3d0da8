package io.aimsmonitor.connector.http;

import io.aimsmonitor.connector.ConnectorException;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Walks a paged listing to its end, with the two safety nets every connector needs: a hard limit of
 * {@code http.maxPages} pages, and a check that the server does not hand out a token (or link) it
 * has already given, which would otherwise page forever. Both fail the run naming the listing.
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
    void accept(ApiResponse page) throws ConnectorException, InterruptedException;
  }

  private final ApiClient api;
  private final int maxPages;

  /** @param maxPages the most pages one listing may have, normally {@code config.http().maxPages()} */
  public Paginator(ApiClient api, int maxPages) {
    if (maxPages < 1) {
      throw new IllegalArgumentException("maxPages must be at least 1, got " + maxPages);
    }
    this.api = api;
    this.maxPages = maxPages;
  }

  /**
   * GETs {@code path?query} and then again with {@code tokenParam=<token>} for as long as the body's
   * {@code tokenField} holds a non-empty string. An absent, null or empty token ends the listing.
   *
   * @return the number of pages fetched
   * @throws ConnectorException {@code malformed} when a body is not a JSON object, the token is not
   *     a string, a token repeats, or the listing exceeds {@code maxPages}
   */
  public int byToken(String path, Map<String, ?> query, String tokenParam, String tokenField, PageHandler handler)
      throws ConnectorException, InterruptedException {
    Set<String> seen = new HashSet<>();
    String token = null;
    URI first = null;
    for (int pages = 1; ; pages++) {
      Map<String, Object> q = new LinkedHashMap<>(query);
      q.put(tokenParam, token);
      URI uri = api.url(path, q);
      if (first == null) {
        first = uri;
      }
      ApiResponse page = api.get(uri);
      api.pageFetched(uri);
      if (!page.body().isObject()) {
        throw malformed(uri, "expected a JSON object, got " + describe(page.body()));
      }
      handler.accept(page);
      JsonNode next = page.body().get(tokenField);
      if (next == null || next.isNull() || (next.isString() && next.stringValue().isEmpty())) {
        return pages;
      }
      if (!next.isString()) {
        throw malformed(uri, tokenField + ": expected a string, got " + describe(next));
      }
      token = next.stringValue();
      if (!seen.add(token)) {
        throw malformed(uri, tokenField + " '" + abbreviate(token) + "' was already returned by an earlier page;"
            + " the listing would never end");
      }
      if (pages >= maxPages) {
        throw pageLimit(first);
      }
    }
  }

  /**
   * GETs {@code first}, then each {@code Link rel="next"} target until a page has none.
   *
   * @return the number of pages fetched
   */
  public int byLink(URI first, Map<String, String> headers, PageHandler handler)
      throws ConnectorException, InterruptedException {
    Set<URI> seen = new HashSet<>();
    seen.add(first);
    URI uri = first;
    for (int pages = 1; ; pages++) {
      ApiResponse page = api.get(uri, headers);
      api.pageFetched(uri);
      handler.accept(page);
      var next = page.nextLink();
      if (next.isEmpty()) {
        return pages;
      }
      if (!seen.add(next.get())) {
        throw malformed(uri, "Link rel=\"next\" points back to " + ApiClient.display(next.get())
            + ", already fetched; the listing would never end");
      }
      if (pages >= maxPages) {
        throw pageLimit(first);
      }
      uri = next.get();
    }
  }

  private ConnectorException pageLimit(URI first) {
    // reported as malformed, like the registry connectors' PageGuard: a listing that does not end is
    // a response problem, and the reason stays within ConnectorException's bounded set
    return new ConnectorException("malformed", "connector '" + api.connectorId() + "': listing "
        + ApiClient.display(first) + " did not end within " + maxPages + " pages (http.maxPages); raise"
        + " http.maxPages if the source really is that large, or narrow what the connector lists");
  }

  private ConnectorException malformed(URI uri, String what) {
    return new ConnectorException("malformed", "connector '" + api.connectorId() + "': response from "
        + ApiClient.display(uri) + ": " + what);
  }

  static String describe(JsonNode node) {
    return node.isMissingNode() ? "an empty body" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String abbreviate(String token) {
    return token.length() > 40 ? token.substring(0, 40) + "..." : token;
  }
}
