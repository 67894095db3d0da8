package io.aimsmonitor.connector;

import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.fact.Fact;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything a connector gets for one run.
 *
 * @param config the validated instance configuration
 * @param http builds the HTTP client for this instance (timeouts, proxy, CA bundle, auth, retries)
 * @param sink receives every observed fact
 * @param cancellation asks the connector to stop early (shutdown, per-run timeout)
 * @param progress receives progress for long runs (logged and exported)
 * @param previous facts of the instance's last good snapshot, for incremental collection; empty on the first run
 * @param fullRefresh true when the connector must ignore {@code previous} and fetch everything
 * @param clock the time source for {@link Fact#observedAt()}
 * @param pushed events pushed to aims-monitor, for push connector types (OpenLineage); NONE elsewhere
 */
public record CollectContext(
    ConnectorConfig config,
    HttpClientFactory http,
    Consumer<Fact> sink,
    Cancellation cancellation,
    Progress progress,
    List<Fact> previous,
    boolean fullRefresh,
    Clock clock,
    PushedEvents pushed) {

  public CollectContext {
    pushed = pushed == null ? PushedEvents.NONE : pushed;
  }

  /** A context for a pull connector: no pushed events. */
  public CollectContext(ConnectorConfig config, HttpClientFactory http, Consumer<Fact> sink, Cancellation cancellation,
      Progress progress, List<Fact> previous, boolean fullRefresh, Clock clock) {
    this(config, http, sink, cancellation, progress, previous, fullRefresh, clock, PushedEvents.NONE);
  }

  /** Cooperative cancellation; connectors call {@link #check()} between requests. */
  public interface Cancellation {
    boolean isCancelled();

    /** When the run must end ({@code http.runTimeout}), or null for none: requests in flight are aborted then. */
    default java.time.Instant deadline() {
      return null;
    }

    default void check() throws InterruptedException {
      if (isCancelled() || Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("collection cancelled");
      }
    }

    Cancellation NEVER = () -> false;
  }

  /** Progress of one run: pages fetched, items seen, rate-limit waits. */
  public interface Progress {
    void page(String what);

    void items(int count);

    void rateLimitWait(java.time.Duration wait);

    Progress NONE = new Progress() {
      @Override public void page(String what) {}
      @Override public void items(int count) {}
      @Override public void rateLimitWait(java.time.Duration wait) {}
    };
  }
}
