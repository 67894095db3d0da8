package io.aimsmonitor.connector.github;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PageGuard;
import io.aimsmonitor.connector.ci.PreviousRuns;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.http.ApiResponse;
import io.aimsmonitor.connector.http.RateLimitPacer;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.PipelineRun.Job;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Collects GitHub Actions workflow runs of the configured repositories (and of every repository
 * of an organization), with the jobs and steps of the workflows named in {@code jobsFor}.
 *
 * <p>Listings page by {@code Link: rel="next"} with {@code per_page=100}, newest run first. Every
 * GET is conditional on the {@link EtagCache}: an unchanged page costs a {@code 304} and no rate
 * limit. The {@code x-ratelimit-*} headers are read on every response; a used-up window is waited
 * out before the next request, and a refused request (403/429) after the wait GitHub asks for, when
 * that wait fits the run's budget ({@code http.runTimeout}); when it does not, the run stops with
 * reason {@code rate_limited} and the last good snapshot stays.
 *
 * <p>Incremental: with a previous snapshot, a repository's listing stops at the first page whose
 * runs were all created before the snapshot (less an hour's overlap); older runs are carried
 * over from the snapshot, except runs that were still in progress, which are fetched again one by
 * one. A run listed again with the same {@code updated_at} keeps its jobs from the snapshot. A
 * re-run of an older run (same run, new attempt) is seen at the next full refresh.
 */
final class GithubActionsConnector implements Connector {

  static final String API_VERSION = "2022-11-28";
  static final int PER_PAGE = 100;
  /** Runs created this long before the previous snapshot are read again, for runs GitHub listed late. */
  static final Duration OVERLAP = Duration.ofHours(1);
  private static final Logger log = LoggerFactory.getLogger(GithubActionsConnector.class);

  private final ConnectorConfig config;
  private final GithubOptions options;
  private final EtagCache cache;

  GithubActionsConnector(ConnectorConfig config, GithubOptions options, EtagCache cache) {
    this.config = config;
    this.options = options;
    this.cache = cache;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    try (ApiClient opened = context.http().open()) {
      Session s = new Session(context, opened.withRateLimitDeadline(now.plus(config.http().runTimeout())), now);
      PreviousRuns previous = PreviousRuns.of(context.previous(), config.id(), context.fullRefresh());
      TreeSet<String> repositories = new TreeSet<>(options.repositories());
      if (options.organization() != null) {
        repositories.addAll(s.organizationRepositories(options.organization()));
      }
      for (String repository : repositories) {
        context.cancellation().check();
        for (PipelineRun run : collectRepository(s, repository, previous)) {
          context.sink().accept(run);
        }
      }
      log.info("connector '{}': {} repositories, {} requests, {} answered 304 Not Modified{}", config.id(),
          repositories.size(), s.requests.get(), s.notModified.get(), previous.isEmpty() ? " (full)" : " (incremental)");
    }
  }

  /** The repository's runs, one per id, in id order. */
  private List<PipelineRun> collectRepository(Session s, String repository, PreviousRuns previous)
      throws ConnectorException, InterruptedException {
    boolean incremental = previous.knows(repository);
    Instant since = options.createdSince() == null ? null : options.createdSince().atStartOfDay(ZoneOffset.UTC).toInstant();
    if (incremental) {
      Instant window = previous.observedAt().minus(OVERLAP);
      since = since == null || window.isAfter(since) ? window : since;
    }
    // every run as listed (and, incremental, as carried over), then one sort by id and one per id:
    // no hash map of 10,000 runs (hashing each new id string, an entry per run) on the main thread
    // after the last page has arrived (JFR, #12's bench); listings come newest first, which the
    // sort takes as one descending run
    List<PipelineRun> runs = new ArrayList<>();
    List<String> listings = new ArrayList<>();
    if (options.workflows().isEmpty()) {
      listings.add("/repos/" + repository + "/actions/runs");
    } else {
      for (String workflow : options.workflows()) {
        listings.add("/repos/" + repository + "/actions/workflows/" + URLEncoder.encode(workflow, StandardCharsets.UTF_8)
            + "/runs");
      }
    }
    for (String path : listings) {
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("per_page", PER_PAGE);
      query.put("branch", options.branch());
      query.put("exclude_pull_requests", "true");
      Listing listing = s.listRuns(s.api.url(path, query), repository, since);
      if (listings.size() == 1 && !incremental && listing.descending()) {
        // the usual whole listing: newest first, each id once; in id order it is simply reversed,
        // with no sort and no comparison of 10,000 ids on this thread (their order was checked
        // on the page threads)
        List<Listed> listed = listing.runs();
        PipelineRun[] ordered = new PipelineRun[listed.size()];
        for (int k = 0; k < ordered.length; k++) { // in listing order, as jobs are fetched in the general case
          ordered[ordered.length - 1 - k] = detailed(s, listed.get(k).run, listed.get(k).path, previous);
        }
        return java.util.Arrays.asList(ordered);
      }
      if (runs.isEmpty()) {
        runs = new ArrayList<>(listing.runs().size() + (incremental ? previous.of(repository).size() : 0));
      }
      for (Listed listed : listing.runs()) {
        runs.add(detailed(s, listed.run, listed.path, previous));
      }
    }
    if (incremental) {
      Set<String> listed = new HashSet<>(capacity(runs.size()));
      for (PipelineRun run : runs) {
        listed.add(run.runId());
      }
      for (PipelineRun before : previous.of(repository)) {
        if (listed.contains(before.runId())) {
          continue;
        }
        if (before.isInProgress() || before.conclusion() == null) {
          // in progress at the last snapshot and too old to be listed again: ask for it
          JsonNode fresh = s.run(repository, before.runId());
          if (fresh != null) {
            runs.add(detailed(s, GithubMapping.run(config.id(), s.now, repository, fresh), text(fresh, "path"),
                previous));
          }
        } else {
          runs.add(before.withOrigin(config.id(), s.now)); // finished and older than the window
        }
      }
    }
    runs.sort((a, b) -> byNumber(a.runId(), b.runId())); // stable: a run listed twice stays in listing order
    List<PipelineRun> ordered = new ArrayList<>(runs.size());
    for (PipelineRun run : runs) {
      int last = ordered.size() - 1;
      if (last >= 0 && ordered.get(last).runId().equals(run.runId())) {
        ordered.set(last, run); // listed twice (the listing moved while it was paged): as listed last
      } else {
        ordered.add(run);
      }
    }
    return ordered;
  }

  /** The run with its jobs when they are wanted: reused from the snapshot when unchanged, else fetched. */
  private PipelineRun detailed(Session s, PipelineRun run, String path, PreviousRuns previous)
      throws ConnectorException, InterruptedException {
    if (previous.unchanged(run)) {
      return previous.get(run.repository(), run.runId()).withOrigin(config.id(), s.now);
    }
    if (run.isInProgress() || !options.wantsJobs(run.workflow(), path)) {
      return run;
    }
    List<Job> jobs = s.jobs(run.repository(), run.runId());
    return new PipelineRun(run.source(), run.sourceUrl(), run.observedAt(), run.ciSystem(), run.repository(),
        run.workflow(), run.runId(), run.branch(), run.commitSha(), run.status(), run.conclusion(), run.startedAt(),
        run.finishedAt(), run.tests(), run.updatedAt(), jobs);
  }

  /** A hash map capacity that holds {@code entries} without growing. */
  private static int capacity(int entries) {
    return (int) (entries / 0.75f) + 1;
  }

  /** Run ids are numbers as text: shorter first, then by text; anything else by text. */
  private static int byNumber(String a, String b) {
    if (a.length() != b.length() && digits(a) && digits(b)) {
      return Integer.compare(a.length(), b.length());
    }
    return a.compareTo(b);
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** Pages requested ahead on a pool of their own, taken in page order; closing stops what is still on the way. */
  private static final class PagesAhead implements AutoCloseable {
    static final PagesAhead NONE = new PagesAhead(null, List.of(), Duration.ZERO);

    private final ExecutorService pool;
    private final List<Future<RunsPage>> pages;
    private final Duration requestTimeout;
    private int next;

    PagesAhead(ExecutorService pool, List<Future<RunsPage>> pages, Duration requestTimeout) {
      this.pool = pool;
      this.pages = pages;
      this.requestTimeout = requestTimeout;
    }

    boolean hasNext() {
      return next < pages.size();
    }

    /** The next page, waiting for it; its failure is the run's. */
    RunsPage next() throws ConnectorException, InterruptedException {
      try {
        return pages.get(next++).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ConnectorException ce) {
          throw ce;
        }
        if (e.getCause() instanceof InterruptedException ie) {
          throw ie;
        }
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (pool != null) {
        // as in the mlflow connector: nothing of a failed run keeps talking to the source
        pool.shutdownNow();
        pool.awaitTermination(requestTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** A run as listed, with its workflow file path (for {@code jobsFor}) and creation time (for the incremental stop). */
  record Listed(PipelineRun run, String path, Instant createdAt) {}

  /**
   * One page of a runs listing as kept in the {@link EtagCache}.
   *
   * @param descending its runs are in strictly descending id order, as GitHub lists them (checked
   *     on the thread that read the page, while its runs are fresh in that core's cache)
   */
  record RunsPage(List<Listed> runs, URI next, URI last, long totalCount, boolean descending) {}

  /** A listing's runs as listed, and whether they are in strictly descending id order (so no id twice). */
  record Listing(List<Listed> runs, boolean descending) {}

  /** The {@code page} query parameter of a GitHub link; 1 when absent. */
  static int pageNumber(URI uri) {
    String query = uri.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("page=")) {
          try {
            return Integer.parseInt(pair.substring(5));
          } catch (NumberFormatException e) {
            return -1;
          }
        }
      }
    }
    return 1;
  }

  /** {@code uri} with its {@code page} parameter set to {@code page}. */
  static URI withPage(URI uri, int page) {
    StringBuilder query = new StringBuilder();
    for (String pair : uri.getRawQuery().split("&")) {
      query.append(query.isEmpty() ? "" : "&").append(pair.startsWith("page=") ? "page=" + page : pair);
    }
    String s = uri.toString();
    return URI.create(s.substring(0, s.indexOf('?')) + "?" + query);
  }

  /** A listing page of an organization's repositories. */
  record ReposPage(List<String> names, URI next) {}

  /** One run's requests: the client (re-authorized for an App), rate-limit pacing, conditional GETs. */
  private final class Session {
    final CollectContext context;
    final ApiClient api;
    final Instant now;
    final RateLimitPacer pacer;
    final GithubAppToken appToken;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong notModified = new AtomicLong();

    Session(CollectContext context, ApiClient api, Instant now) {
      this.context = context;
      this.api = api;
      this.now = now;
      this.pacer = new RateLimitPacer(api, context.clock(), "x-ratelimit-remaining", "x-ratelimit-reset");
      this.appToken = options.app() == null ? null : new GithubAppToken(options.app(), context.clock(), config.id());
    }

    /** GET with {@code If-None-Match} when the cache has the URL; a 304 returns the cached value. */
    <T> T get(URI uri, Reader<T> reader) throws ConnectorException, InterruptedException {
      return conditional(uri, (client, headers) -> {
        ApiResponse response = client.get(uri, headers);
        return new Fetched<>(response, response.status() == 304 ? null : reader.read(response));
      });
    }

    /**
     * A page of a runs listing, conditional as {@link #get}; the body goes through the streaming
     * parser as it arrives (see {@link GithubRunsPageParser} and {@link ApiClient#getStreamed} for why).
     */
    RunsPage runsPage(URI uri, String repository) throws ConnectorException, InterruptedException {
      return conditional(uri, (client, headers) -> {
        ApiClient.Streamed<GithubRunsPageParser.Page> streamed = client.getStreamed(uri, headers, body -> {
          try {
            return GithubRunsPageParser.parse(body);
          } catch (GithubRunsPageParser.Malformed e) {
            throw malformed(uri, e.getMessage());
          }
        });
        ApiResponse response = streamed.response();
        return new Fetched<>(response, streamed.value() == null ? null : runsPage(response, streamed.value(), repository));
      });
    }

    /** The request with the cache's validator; a 304 answers with the cached value, anything else is cached. */
    @SuppressWarnings("unchecked")
    private <T> T conditional(URI uri, Fetch<T> fetch) throws ConnectorException, InterruptedException {
      String key = uri.toString();
      EtagCache.Entry cached = cache.get(key);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Accept", "application/vnd.github+json");
      headers.put("X-GitHub-Api-Version", API_VERSION);
      if (cached != null) {
        headers.put("If-None-Match", cached.etag());
      }
      pacer.beforeRequest();
      ApiClient client = appToken == null ? api : appToken.authorize(api);
      requests.incrementAndGet();
      Fetched<T> fetched = fetch.fetch(client, headers);
      ApiResponse response = fetched.response();
      pacer.observe(response);
      if (response.status() == 304 && cached != null) {
        notModified.incrementAndGet();
        return (T) cached.value();
      }
      T value = fetched.value();
      cache.put(key, response.header("etag").orElse(null), value);
      return value;
    }

    /**
     * The runs of a listing, newest first, down to {@code since} (all when null): paging stops
     * after the first page that reaches back before it.
     */
    Listing listRuns(URI first, String repository, Instant since) throws ConnectorException, InterruptedException {
      PageGuard guard = new PageGuard(context, ApiClient.display(first));
      List<Listed> out = new ArrayList<>();
      guard.beforePage(ApiClient.display(first));
      RunsPage page = runsPage(first, repository);
      if (page.totalCount() > 1000 && options.branch() != null) {
        log.warn("connector '{}': {} has {} runs on branch {}; GitHub lists at most 1,000 runs of a filtered"
            + " listing, so older ones are not read", config.id(), repository, page.totalCount(), options.branch());
      }
      // A whole listing (no date to stop at) is fetched on up to maxInFlight threads: GitHub's
      // rel="last" link names the last page, and the pages in between differ only in "page". Each
      // page is mapped here as soon as it has arrived, while the later ones are still on the way.
      boolean descending = true;
      try (PagesAhead ahead = since == null ? pagesUpToLast(page, guard) : PagesAhead.NONE) {
        while (true) {
          guard.afterPage(page.runs().size());
          boolean reachedBack = false;
          // the listing stays strictly descending when this page is and begins below the last run kept
          descending &= page.descending() && (out.isEmpty() || page.runs().isEmpty()
              || byNumber(out.get(out.size() - 1).run().runId(), page.runs().get(0).run().runId()) > 0);
          for (Listed listed : page.runs()) {
            if (since != null && listed.createdAt() != null && listed.createdAt().isBefore(since)) {
              reachedBack = true;
              continue;
            }
            // a page from the ETag cache was mapped in an earlier run: observed now (a page fetched
            // in this run already is, and is taken as it is: no new Listed per run)
            PipelineRun observed = listed.run().withOrigin(config.id(), now);
            out.add(observed == listed.run() ? listed : new Listed(observed, listed.path(), listed.createdAt()));
          }
          if (reachedBack || page.next() == null) {
            return new Listing(out, descending);
          }
          if (ahead.hasNext()) {
            page = ahead.next();
            continue;
          }
          guard.beforePage(ApiClient.display(page.next()));
          URI uri = page.next();
          page = runsPage(uri, repository);
        }
      }
    }

    /** Pages 2 to the {@code rel="last"} page of {@code first}, requested now on up to maxInFlight threads; none without a last link. */
    private PagesAhead pagesUpToLast(RunsPage first, PageGuard guard) throws ConnectorException, InterruptedException {
      if (first.next() == null || first.last() == null) {
        return PagesAhead.NONE;
      }
      int last = pageNumber(first.last());
      int second = pageNumber(first.next());
      if (second != 2 || last <= 2) {
        return PagesAhead.NONE;
      }
      List<URI> uris = new ArrayList<>();
      for (int n = 2; n <= last; n++) {
        URI uri = withPage(first.last(), n);
        guard.beforePage(ApiClient.display(uri)); // maxPages and repeated links fail here, before any request
        uris.add(uri);
      }
      String repository = first.runs().isEmpty() ? null : first.runs().get(0).run().repository();
      int threads = Math.max(1, Math.min(config.http().maxInFlight(), uris.size()));
      ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
        Thread t = new Thread(task, "github-" + config.id() + "-pages");
        t.setDaemon(true);
        return t;
      });
      List<Future<RunsPage>> futures = new ArrayList<>();
      for (URI uri : uris) {
        futures.add(pool.submit(() -> runsPage(uri, repository)));
      }
      return new PagesAhead(pool, futures, config.http().requestTimeout());
    }

    /** A parsed listing page mapped into runs, with its paging links. */
    private RunsPage runsPage(ApiResponse response, GithubRunsPageParser.Page page, String repository) {
      List<Listed> runs = new ArrayList<>(page.runs().size());
      boolean descending = true;
      String previousId = null;
      for (GithubMapping.RunFields item : page.runs()) {
        runs.add(new Listed(GithubMapping.run(config.id(), now, repository, item), item.path(), item.createdAt()));
        descending &= previousId == null || byNumber(previousId, item.id()) > 0;
        previousId = item.id();
      }
      return new RunsPage(List.copyOf(runs), response.nextLink().orElse(null), response.link("last").orElse(null),
          page.totalCount(), descending);
    }

    /** One run, or null when GitHub no longer has it. */
    JsonNode run(String repository, String runId) throws ConnectorException, InterruptedException {
      try {
        return get(api.url("/repos/" + repository + "/actions/runs/" + runId, Map.of()), response -> {
          if (!response.body().isObject() || text(response.body(), "id") == null) {
            throw malformed(response.uri(), "expected a workflow run");
          }
          return response.body();
        });
      } catch (ConnectorException e) {
        if ("not_found".equals(e.reason())) {
          log.info("connector '{}': run {} of {} no longer exists; dropped", config.id(), runId, repository);
          return null;
        }
        throw e;
      }
    }

    /** The latest attempt's jobs of a run, with their steps. */
    List<Job> jobs(String repository, String runId) throws ConnectorException, InterruptedException {
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("filter", "latest");
      query.put("per_page", PER_PAGE);
      URI first = api.url("/repos/" + repository + "/actions/runs/" + runId + "/jobs", query);
      PageGuard guard = new PageGuard(context, ApiClient.display(first));
      List<Job> jobs = new ArrayList<>();
      URI uri = first;
      while (uri != null) {
        guard.beforePage(ApiClient.display(uri));
        JobsPage page = get(uri, response -> {
          JsonNode items = response.body().get("jobs");
          if (items == null || !items.isArray()) {
            throw malformed(response.uri(), "expected an object with a jobs array");
          }
          List<Job> mapped = new ArrayList<>();
          items.forEach(j -> mapped.add(GithubMapping.job(j)));
          return new JobsPage(List.copyOf(mapped), response.nextLink().orElse(null));
        });
        guard.afterPage(page.jobs().size());
        jobs.addAll(page.jobs());
        uri = page.next();
      }
      return jobs;
    }

    /** The {@code owner/repo} names of an organization's repositories (archived ones only with {@code includeArchived}). */
    List<String> organizationRepositories(String organization) throws ConnectorException, InterruptedException {
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("type", "all");
      query.put("per_page", PER_PAGE);
      URI first = api.url("/orgs/" + organization + "/repos", query);
      PageGuard guard = new PageGuard(context, ApiClient.display(first));
      List<String> names = new ArrayList<>();
      URI uri = first;
      while (uri != null) {
        guard.beforePage(ApiClient.display(uri));
        ReposPage page = get(uri, response -> {
          if (!response.body().isArray()) {
            throw malformed(response.uri(), "expected a list of repositories");
          }
          List<String> found = new ArrayList<>();
          for (JsonNode repo : response.body()) {
            String name = text(repo, "full_name");
            if (name != null && (options.includeArchived() || !repo.path("archived").asBoolean(false))) {
              found.add(name);
            }
          }
          return new ReposPage(List.copyOf(found), response.nextLink().orElse(null));
        });
        guard.afterPage(page.names().size());
        names.addAll(page.names());
        uri = page.next();
      }
      return names;
    }

    private ConnectorException malformed(URI uri, String what) {
      return new ConnectorException("malformed", "connector '" + config.id() + "': response from "
          + ApiClient.display(uri) + ": " + what);
    }
  }

  record JobsPage(List<Job> jobs, URI next) {}

  @FunctionalInterface
  interface Reader<T> {
    T read(ApiResponse response) throws ConnectorException;
  }

  /** One request of {@link Session#conditional}: the response, and its value unless it was a 304. */
  record Fetched<T>(ApiResponse response, T value) {}

  @FunctionalInterface
  interface Fetch<T> {
    Fetched<T> fetch(ApiClient client, Map<String, String> headers) throws ConnectorException, InterruptedException;
  }
}
