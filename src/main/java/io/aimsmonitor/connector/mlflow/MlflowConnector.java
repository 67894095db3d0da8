package io.aimsmonitor.connector.mlflow;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.Paginator;
import io.aimsmonitor.connector.mlflow.MlflowApi.RegisteredModel;
import io.aimsmonitor.connector.mlflow.MlflowApi.Run;
import io.aimsmonitor.connector.mlflow.MlflowApi.Version;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one MLflow registry: registered models, all their versions, and each version's source
 * run. Emits a {@link ModelVersion} per version and a {@link TrainingRun} per distinct source run
 * the server still has.
 *
 * <p>Incremental: with a previous snapshot and no full refresh, a version whose
 * {@code last_updated_timestamp} and {@code run_id} are unchanged reuses its run's previous
 * {@link TrainingRun} instead of calling {@code runs/get} again. The listings are always read in
 * full (they are a few pages), so owners, aliases and stages are always current; only run details
 * can be up to {@code fullRefreshEvery} old (MLflow does not bump a version's timestamp when its
 * run changes).
 *
 * <p>Runs are fetched in parallel on at most {@code http.maxInFlight} threads; facts are emitted
 * from the calling thread only, after everything was fetched, in a stable order.
 */
final class MlflowConnector implements Connector {

  private static final Logger log = LoggerFactory.getLogger(MlflowConnector.class);

  private final ConnectorConfig config;
  private final MlflowOptions options;

  MlflowConnector(ConnectorConfig config, MlflowOptions options) {
    this.config = config;
    this.options = options;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    MlflowMapper mapper = new MlflowMapper(config.id(), options.uiUrl(), now, options.namespace(),
        options.registeredByIsOwner());
    try (ApiClient client = context.http().open()) {
      MlflowApi api = new MlflowApi(client, new Paginator(client, context), options);

      Map<String, RegisteredModel> models = api.registeredModels();
      List<Version> versions = listVersions(api, models, context);

      Map<String, TrainingRun> runs = new HashMap<>();
      if (options.fetchRuns()) {
        Previous previous = context.fullRefresh() ? Previous.NONE : Previous.of(context.previous(), config.id());
        Set<String> toFetch = new LinkedHashSet<>();
        Map<String, TrainingRun> reusable = new HashMap<>();
        for (Version v : versions) {
          if (v.runId() == null) {
            continue;
          }
          Optional<TrainingRun> before = previous.unchangedRun(v);
          if (before.isPresent()) {
            reusable.putIfAbsent(v.runId(), before.get());
          } else {
            toFetch.add(v.runId());
          }
        }
        // a run shared with a changed version is fetched fresh, for all of its versions
        toFetch.forEach(reusable::remove);
        reusable.forEach((id, run) -> runs.put(id, run.withOrigin(config.id(), now)));
        Map<String, Run> fetched = fetchRuns(api, toFetch, context);
        fetched.forEach((id, run) -> runs.put(id, mapper.run(run)));
        log.debug("connector '{}': {} versions; {} runs reused from the previous snapshot, {} fetched, {} gone",
            config.id(), versions.size(), reusable.size(), fetched.size(), toFetch.size() - fetched.size());
      }

      for (Version v : versions) {
        TrainingRun run = v.runId() == null ? null : runs.get(v.runId());
        context.sink().accept(mapper.version(v, models.get(v.name()), run == null ? null : run.gitCommit()));
      }
      for (TrainingRun run : new TreeMap<>(runs).values()) {
        context.sink().accept(run);
      }
    }
  }

  /**
   * Every version of the listed models, once each, sorted by model name and version number.
   * Without a filter the registry is listed in one paged search; with one, model by model, since
   * a version search cannot take the registered-model filter.
   */
  private List<Version> listVersions(MlflowApi api, Map<String, RegisteredModel> models, CollectContext context)
      throws ConnectorException, InterruptedException {
    if (models.isEmpty()) {
      return List.of(); // nothing registered (or nothing the filter selects): no version to list
    }
    Map<List<String>, Version> byKey = new LinkedHashMap<>();
    AtomicInteger unknownModel = new AtomicInteger();
    java.util.function.Consumer<Version> keep = v -> {
      if (!models.containsKey(v.name())) {
        unknownModel.incrementAndGet(); // registered after the model listing: next run picks it up
        return;
      }
      byKey.merge(List.of(v.name(), v.version()), v, MlflowConnector::newer);
    };
    if (options.filter() == null) {
      api.versions(null, keep);
    } else {
      for (String name : models.keySet()) {
        context.cancellation().check();
        api.versions(name, keep);
      }
    }
    if (unknownModel.get() > 0) {
      log.info("connector '{}': skipped {} versions of models registered during the run", config.id(),
          unknownModel.get());
    }
    List<Version> versions = new ArrayList<>(byKey.values());
    versions.sort(Comparator.comparing(Version::name)
        .thenComparing(Version::version, MlflowConnector::compareVersions));
    return versions;
  }

  /**
   * Fetches runs on at most {@code maxInFlight} threads. The first failure cancels the rest and
   * fails the run; runs the server no longer has are left out.
   */
  private Map<String, Run> fetchRuns(MlflowApi api, Set<String> runIds, CollectContext context)
      throws ConnectorException, InterruptedException {
    Map<String, Run> fetched = new HashMap<>();
    if (runIds.isEmpty()) {
      return fetched;
    }
    int threads = Math.min(config.http().maxInFlight(), runIds.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
      Thread t = new Thread(task, "mlflow-" + config.id() + "-runs");
      t.setDaemon(true);
      return t;
    });
    try {
      CompletionService<Optional<Run>> done = new ExecutorCompletionService<>(pool);
      Map<Future<Optional<Run>>, String> pending = new HashMap<>();
      for (String id : runIds) {
        pending.put(done.submit(() -> api.run(id)), id);
      }
      while (!pending.isEmpty()) {
        context.cancellation().check();
        Future<Optional<Run>> next = done.poll(200, TimeUnit.MILLISECONDS);
        if (next == null) {
          continue;
        }
        String id = pending.remove(next);
        try {
          Optional<Run> run = next.get();
          if (run.isPresent()) {
            fetched.put(id, run.get());
          } else {
            log.info("connector '{}': source run {} no longer exists; its versions keep the run id only",
                config.id(), id);
          }
        } catch (ExecutionException e) {
          throw unwrap(e.getCause());
        }
      }
      return fetched;
    } finally {
      // A run ends with nothing of it still talking to the source: interrupted fetchers stop at
      // their next attempt (ApiClient checks the interrupt), and one mid-request finishes within
      // the request timeout. Without the wait, a failed run's fetchers could keep sending requests
      // after collect() returned, even into the next run.
      pool.shutdownNow();
      if (!pool.awaitTermination(config.http().requestTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        log.warn("connector '{}': run fetchers still busy after the run ended", config.id());
      }
    }
  }

  private static ConnectorException unwrap(Throwable cause) throws InterruptedException {
    if (cause instanceof ConnectorException ce) {
      return ce;
    }
    if (cause instanceof InterruptedException ie) {
      throw ie;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    throw new IllegalStateException(cause);
  }

  private static Version newer(Version a, Version b) {
    if (a.updatedAt() == null) {
      return b;
    }
    return b.updatedAt() != null && b.updatedAt().isAfter(a.updatedAt()) ? b : a;
  }

  /** MLflow versions are whole numbers as strings; compare them as numbers, anything else as text. */
  static int compareVersions(String a, String b) {
    if (isNumber(a) && isNumber(b)) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return a.compareTo(b);
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The previous snapshot's facts, indexed for reuse. */
  private record Previous(Map<List<String>, ModelVersion> versions, Map<String, TrainingRun> runs) {

    static final Previous NONE = new Previous(Map.of(), Map.of());

    static Previous of(List<Fact> facts, String source) {
      Map<List<String>, ModelVersion> versions = new HashMap<>();
      Map<String, TrainingRun> runs = new HashMap<>();
      for (Fact fact : facts) {
        if (fact instanceof ModelVersion mv && source.equals(mv.source())) {
          versions.put(List.of(mv.modelName(), mv.version()), mv);
        } else if (fact instanceof TrainingRun run && source.equals(run.source())) {
          runs.put(run.runId(), run);
        }
      }
      return new Previous(versions, runs);
    }

    /** The version's run from the previous snapshot, if the version has not changed since. */
    Optional<TrainingRun> unchangedRun(Version v) {
      ModelVersion before = versions.get(List.of(v.name(), v.version()));
      if (before == null || v.updatedAt() == null || !v.updatedAt().equals(before.updatedAt())
          || !Objects.equals(v.runId(), before.sourceRunId())) {
        return Optional.empty();
      }
      return Optional.ofNullable(runs.get(v.runId()));
    }
  }
}
