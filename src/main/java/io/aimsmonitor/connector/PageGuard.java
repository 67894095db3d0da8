package io.aimsmonitor.connector;

import java.util.HashSet;
import java.util.Set;

/**
 * The bookkeeping every paged listing needs, whatever carries the next page (a body token, a
 * {@code Link} header, an SDK {@code NextToken}), in one place so that every connector stops and
 * fails the same way: stop when the run is cancelled; fail (reason {@code malformed}) when the
 * listing would pass {@code http.maxPages} pages or the server points to a page that was already
 * fetched (a server that loops would otherwise keep the run busy until its timeout); report each
 * page and its items as progress.
 *
 * <p>HTTP listings get this through {@link io.aimsmonitor.connector.http.Paginator}; a connector
 * that pages through a vendor SDK calls it around its own loop. One guard serves one listing, on
 * one thread.
 */
public final class PageGuard {

  private final CollectContext context;
  private final String listing;
  private final Set<String> seen = new HashSet<>();
  private int pages;

  /**
   * @param listing what is listed, for progress and messages: the first page's URL, or for an SDK
   *     listing what it lists, e.g. {@code model packages of fraud-detector}
   */
  public PageGuard(CollectContext context, String listing) {
    this.context = context;
    this.listing = listing;
  }

  /**
   * Call before requesting each page, with the token or link that selects it (null for a first
   * page that has none). Throws instead of letting the request go out when the run was cancelled,
   * the token was already used, or {@code http.maxPages} pages were fetched already.
   */
  public void beforePage(String token) throws ConnectorException, InterruptedException {
    context.cancellation().check();
    if (token != null && !seen.add(token)) {
      throw malformed(": next page '" + abbreviate(token) + "' was already fetched; the listing would never end");
    }
    int maxPages = context.config().http().maxPages();
    if (pages >= maxPages) {
      throw malformed(" did not end within " + maxPages + " pages (http.maxPages); raise http.maxPages if the"
          + " source really is that large, or narrow what the connector lists");
    }
    pages++;
  }

  /** Call after each page with the number of items it held. */
  public void afterPage(int items) {
    context.progress().page(listing);
    context.progress().items(items);
  }

  /** Pages requested so far. */
  public int pages() {
    return pages;
  }

  private ConnectorException malformed(String what) {
    // a listing that does not end is a response problem; the reason stays within ConnectorException's bounded set
    return new ConnectorException("malformed", "connector '" + context.config().id() + "': listing " + listing + what);
  }

  private static String abbreviate(String token) {
    return token.length() > 100 ? token.substring(0, 100) + "..." : token;
  }
}
