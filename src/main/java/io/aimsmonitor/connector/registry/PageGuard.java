package io.aimsmonitor.connector.registry;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.ConnectorException;

/**
 * The bookkeeping every paged listing needs, whatever carries the next page (a body token, a
 * {@code Link} header, an SDK {@code NextToken}): stop when the run is cancelled, fail when the
 * listing passes {@code http.maxPages} or the server hands back the token it was just given (a
 * server that loops would otherwise keep the run busy until its timeout), and report progress.
 */
public final class PageGuard {

  private final CollectContext context;
  private final String listing;
  private int pages;
  private String lastToken;

  /**
   * @param listing what is listed, for progress and messages, e.g. {@code model versions}
   */
  public PageGuard(CollectContext context, String listing) {
    this.context = context;
    this.listing = listing;
  }

  /** Call before requesting each page, with the token or link that selects it (null for the first page). */
  public void beforePage(String token) throws ConnectorException, InterruptedException {
    context.cancellation().check();
    if (token != null && token.equals(lastToken)) {
      throw new ConnectorException("malformed", "connector '" + context.config().id() + "': listing " + listing
          + " returned the same next-page token twice; stopping instead of looping");
    }
    lastToken = token;
    if (++pages > context.config().http().maxPages()) {
      throw new ConnectorException("malformed", "connector '" + context.config().id() + "': listing " + listing
          + " exceeded http.maxPages (" + context.config().http().maxPages() + ")");
    }
  }

  /** Call after each page with the number of items it held. */
  public void afterPage(int items) {
    context.progress().page(listing);
    context.progress().items(items);
  }

  public int pages() {
    return pages;
  }
}
