package io.aimsmonitor.connector;

import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connector instance once: builds its context, enforces the per-run timeout, logs
 * progress of long runs, and turns every failure into a {@link CollectionResult} that carries no
 * facts, so nothing half-collected can reach evaluation.
 */
public final class CollectionRunner {

  private static final Logger log = LoggerFactory.getLogger(CollectionRunner.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final ConnectorTypes types;
  private final Secrets secrets;
  private final Clock clock;
  private final PushedEvents pushed;

  public CollectionRunner(ConnectorTypes types, Secrets secrets, Clock clock) {
    this(types, secrets, clock, PushedEvents.NONE);
  }

  /** @param pushed where push sources' events are stored (the OpenLineage endpoint's event table) */
  public CollectionRunner(ConnectorTypes types, Secrets secrets, Clock clock, PushedEvents pushed) {
    this.types = types;
    this.secrets = secrets;
    this.clock = clock;
    this.pushed = pushed;
  }

  /**
   * Collects {@code config}'s facts.
   *
   * @param previous facts of the last good snapshot, for incremental connectors
   * @param fullRefresh whether the connector must fetch everything
   * @param stop external cancellation (scheduler shutdown); the run timeout is added to it
   */
  public CollectionResult run(ConnectorConfig config, List<Fact> previous, boolean fullRefresh, BooleanSupplier stop) {
    Instant started = clock.instant();
    Instant deadline = started.plus(config.http().runTimeout());
    List<Fact> facts = new ArrayList<>();
    AtomicLong pages = new AtomicLong();
    AtomicLong items = new AtomicLong();
    AtomicLong waits = new AtomicLong();
    Instant[] lastLog = {started};
    Progress progress = new Progress() {
      @Override
      public void page(String what) {
        pages.incrementAndGet();
        maybeLog(what);
      }

      @Override
      public void items(int count) {
        items.addAndGet(count);
      }

      @Override
      public void rateLimitWait(Duration wait) {
        waits.incrementAndGet();
        log.info("connector '{}': rate limited, waiting {} ms", config.id(), wait.toMillis());
      }

      private void maybeLog(String what) {
        Instant now = clock.instant();
        if (Duration.between(lastLog[0], now).compareTo(PROGRESS_EVERY) >= 0) {
          lastLog[0] = now;
          log.info("connector '{}': {} pages, {} items, {} rate-limit waits so far (last: {})", config.id(),
              pages.get(), items.get(), waits.get(), what);
        }
      }
    };
    Cancellation cancellation = new Cancellation() {
      @Override
      public boolean isCancelled() {
        return stop.getAsBoolean() || clock.instant().isAfter(deadline);
      }

      @Override
      public Instant deadline() {
        return deadline;
      }
    };
    CollectContext context = new CollectContext(config, new HttpClientFactory(config, secrets, progress, cancellation, clock),
        facts::add, cancellation, progress, previous, fullRefresh, clock, pushed);
    try {
      Connector connector = types.get(config.type()).create(config);
      connector.collect(context);
      Instant finished = clock.instant();
      log.info("connector '{}': collected {} facts in {} ms ({} pages)", config.id(), facts.size(),
          Duration.between(started, finished).toMillis(), pages.get());
      return new CollectionResult(config.id(), started, finished, true, facts, null, null, pages.get(), waits.get());
    } catch (ConnectorException e) {
      return failed(config, started, e.reason(), e.getMessage(), pages.get(), waits.get());
    } catch (InterruptedException e) {
      boolean timedOut = clock.instant().isAfter(deadline);
      if (!timedOut) {
        Thread.currentThread().interrupt();
      }
      return failed(config, started, timedOut ? "timeout" : "cancelled", "connector '" + config.id() + "': "
          + (timedOut ? "run exceeded http.runTimeout " + config.http().runTimeout() : "cancelled"), pages.get(), waits.get());
    } catch (ConfigException e) {
      return failed(config, started, "config", e.getMessage(), pages.get(), waits.get());
    } catch (tools.jackson.core.JacksonException e) {
      // A connector reads JSON only from its responses: a node it could not read as the type it
      // expected (a number out of range, an array where a string belongs) is a malformed response,
      // which the operator can act on, not an internal error. Connectors name the field where they
      // check it themselves (ResponseReader); this is the net under the checks they do not make.
      return failed(config, started, "malformed", "connector '" + config.id() + "': a response has a value of an"
          + " unexpected type or shape: " + io.aimsmonitor.fact.ParseErrors.oneLine(e), pages.get(), waits.get());
    } catch (Exception e) {
      log.debug("connector '{}' failed", config.id(), e);
      return failed(config, started, "internal", "connector '" + config.id() + "': " + e, pages.get(), waits.get());
    } catch (Error e) {
      // An Error inside one connector (a recursion on a hostile payload, a missing class) fails
      // its run like any other fault; the facts collected so far are dropped with the run.
      log.error("connector '{}' threw {}", config.id(), e.toString(), e);
      facts.clear();
      return failed(config, started, "internal", "connector '" + config.id() + "': " + e, pages.get(), waits.get());
    }
  }

  private CollectionResult failed(ConnectorConfig config, Instant started, String reason, String message, long pages,
      long waits) {
    log.warn("connector '{}' run failed ({}): {}", config.id(), reason, message);
    return new CollectionResult(config.id(), started, clock.instant(), false, List.of(), reason, message, pages, waits);
  }
}
