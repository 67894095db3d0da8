package io.aimsmonitor.connector.gitlab;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PageGuard;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.ApiResponse;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * GitLab's paging: follow {@code Link: rel="next"} verbatim when the response has one (offset and
 * keyset paging both send it; keyset sends nothing else), else the {@code x-next-page} header
 * (offset paging; GitLab leaves out {@code Link} and the totals for very large results). An empty
 * or absent {@code x-next-page} ends the listing. Bookkeeping is the {@link PageGuard}'s.
 */
final class GitlabPaging {

  /** Receives each page in order; returns its number of items. */
  @FunctionalInterface
  interface PageHandler {
    int accept(ApiResponse page) throws ConnectorException, InterruptedException;
  }

  /** Runs before each request (rate-limit pacing). */
  @FunctionalInterface
  interface BeforeRequest {
    void run() throws ConnectorException, InterruptedException;
  }

  private GitlabPaging() {}

  /** @return the number of pages fetched */
  static int pages(ApiClient api, CollectContext context, URI first, Map<String, String> headers,
      BeforeRequest before, PageHandler handler) throws ConnectorException, InterruptedException {
    PageGuard guard = new PageGuard(context, ApiClient.display(first));
    URI uri = first;
    while (uri != null) {
      guard.beforePage(ApiClient.display(uri));
      before.run();
      ApiResponse page = api.get(uri, headers);
      guard.afterPage(handler.accept(page));
      uri = next(page).orElse(null);
    }
    return guard.pages();
  }

  static Optional<URI> next(ApiResponse page) {
    Optional<URI> link = page.nextLink();
    if (link.isPresent()) {
      return link;
    }
    return page.header("x-next-page").map(String::trim).filter(s -> s.matches("\\d+"))
        .map(n -> withPage(page.uri(), n));
  }

  /** The URI with its {@code page} parameter set to {@code page}. */
  static URI withPage(URI uri, String page) {
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    StringBuilder out = new StringBuilder();
    for (String pair : query.split("&")) {
      if (pair.isEmpty() || pair.startsWith("page=")) {
        continue;
      }
      out.append(out.isEmpty() ? "" : "&").append(pair);
    }
    out.append(out.isEmpty() ? "" : "&").append("page=").append(page);
    String s = uri.toString();
    int q = s.indexOf('?');
    return URI.create((q < 0 ? s : s.substring(0, q)) + "?" + out);
  }
}
