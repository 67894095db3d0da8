package io.aimsmonitor.connector.http;

import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON API client for one connector run. Every request: credentials only to the configured
 * host; 429/5xx and connection faults retried with backoff, honouring the server's requested
 * wait; 401/403 fail at once with no retry; a non-JSON body fails naming the URL. Messages never
 * contain credentials: they only ever travel in headers, and any echo of them in a vendor's error
 * body is masked before it reaches a message.
 *
 * <p>Thread-safe: a connector may call it from several threads. At most
 * {@code http.maxInFlight} requests are open at once; callers beyond that wait for a slot (a wait
 * that, unlike waiting for a pooled connection, does not count against the request timeout).
 */
public final class ApiClient implements AutoCloseable {

  /**
   * Reads a successful body as it arrives, e.g. with a streaming JSON parser, so that a large page is
   * never held whole in memory; called while the response is open, on a stream that fails once
   * {@code http.maxResponseBytes} is passed. An {@link IOException} from the stream is the
   * request's (retried like any connection fault); a {@link ConnectorException} (e.g. a malformed
   * body) fails the request as it is.
   */
  @FunctionalInterface
  public interface BodyReader<T> {
    T read(InputStream body) throws IOException, ConnectorException;
  }

  /** A response whose body was given to a {@link BodyReader}: its headers, and what the reader returned (null for a 304). */
  public record Streamed<T>(ApiResponse response, T value) {}

  /** How the client waits between attempts; tests replace it to run fast. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  public static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  private static final int MAX_REDIRECTS = 5;
  private static final Duration WATCH_EVERY = Duration.ofMillis(200);

  private final ConnectorConfig config;
  private final CloseableHttpClient client;
  private final String[] authHeader;
  private final Progress progress;
  private final Cancellation cancellation;
  private final Clock clock;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final SecretMask mask;
  /** Shared by copies made with {@link #withSleeper}: they are the same client for the server. */
  private final Semaphore inFlight;
  private final AtomicLong requests;
  /** When set, a rate-limit wait that would end after it fails the run at once instead of waiting. */
  private final Instant rateLimitDeadline;
  /**
   * Aborts requests in flight once the run is cancelled; started on the first request. Shared by
   * every copy of this client (withAuthorization, withRateLimitDeadline, withSleeper), so the one
   * thread is stopped when the run closes the client it was given: a copy is never closed itself,
   * and a thread of its own would outlive the run (the soak saw one leak per GitHub run).
   */
  private final java.util.concurrent.atomic.AtomicReference<ScheduledExecutorService> watchdog;

  ApiClient(ConnectorConfig config, CloseableHttpClient client, String[] authHeader, Progress progress,
      Cancellation cancellation, Clock clock, RetryPolicy retry, Sleeper sleeper) {
    this(config, client, authHeader, progress, cancellation, clock, retry, sleeper,
        new Semaphore(Math.max(1, config.http().maxInFlight()), true), new AtomicLong(), null,
        new java.util.concurrent.atomic.AtomicReference<>());
  }

  private ApiClient(ConnectorConfig config, CloseableHttpClient client, String[] authHeader, Progress progress,
      Cancellation cancellation, Clock clock, RetryPolicy retry, Sleeper sleeper, Semaphore inFlight,
      AtomicLong requests, Instant rateLimitDeadline,
      java.util.concurrent.atomic.AtomicReference<ScheduledExecutorService> watchdog) {
    this.watchdog = watchdog;
    this.config = config;
    this.client = client;
    this.authHeader = authHeader;
    this.progress = progress;
    this.cancellation = cancellation;
    this.clock = clock;
    this.retry = retry;
    this.sleeper = sleeper;
    this.mask = SecretMask.of(authHeader);
    this.inFlight = inFlight;
    this.requests = requests;
    this.rateLimitDeadline = rateLimitDeadline;
  }

  /** This client with another sleeper (tests); shares the connection pool, in-flight bound and request count. */
  public ApiClient withSleeper(Sleeper other) {
    return new ApiClient(config, client, authHeader, progress, cancellation, clock, retry, other, inFlight, requests,
        rateLimitDeadline, watchdog);
  }

  /**
   * This client sending {@code name: value} as its credentials instead of the configured ones, e.g.
   * a short-lived token the connector obtained (a GitHub App installation token). Like the
   * configured credentials they go only to the configured origin and are masked in messages.
   */
  public ApiClient withAuthorization(String name, String value) {
    return new ApiClient(config, client, new String[] {name, value}, progress, cancellation, clock, retry, sleeper,
        inFlight, requests, rateLimitDeadline, watchdog);
  }

  /**
   * This client with a budget for rate-limit waits: a rate-limited response (429, or 403 with
   * {@code x-ratelimit-remaining: 0} or {@code Retry-After}) is waited out in full, however long the
   * server asks for, when the wait ends before {@code deadline}; when it would not, the request
   * fails at once (reason {@code rate_limited}) with a message saying when the limit resets, so
   * that the run stops cleanly and the last good snapshot stays. Without a deadline, waits are
   * capped by the retry policy as for any retry.
   */
  public ApiClient withRateLimitDeadline(Instant deadline) {
    return new ApiClient(config, client, authHeader, progress, cancellation, clock, retry, sleeper, inFlight, requests,
        deadline, watchdog);
  }

  /** The deadline given with {@link #withRateLimitDeadline}, or null. */
  public Instant rateLimitDeadline() {
    return rateLimitDeadline;
  }

  /**
   * Waits {@code wait} because the source's rate limit is used up (reported as a rate-limit wait),
   * or fails at once when a deadline is set and the wait would end after it.
   *
   * @param why what told us to wait, for the message, e.g. {@code x-ratelimit-remaining: 0}
   */
  public void waitForRateLimit(Duration wait, String why) throws ConnectorException, InterruptedException {
    checkRateLimitBudget(wait, why);
    pause(wait, true, "rate_limited");
  }

  private void checkRateLimitBudget(Duration wait, String why) throws ConnectorException {
    if (rateLimitDeadline == null) {
      return;
    }
    Instant now = clock.instant();
    Instant resumeAt = now.plus(wait);
    if (resumeAt.isAfter(rateLimitDeadline)) {
      throw new ConnectorException("rate_limited", prefix() + "rate limit exhausted (" + why + "); it resets at "
          + resumeAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", in " + wait.toSeconds() + " s, after the"
          + " run's budget ends (http.runTimeout " + config.http().runTimeout() + ", "
          + Math.max(0, Duration.between(now, rateLimitDeadline).toSeconds()) + " s left): stopping without waiting;"
          + " the last good snapshot stays in force");
    }
  }

  /** Requests sent so far, retries and redirects included. */
  public long requestCount() {
    return requests.get();
  }

  /** The connector instance this client works for, for messages of code built on it (e.g. {@link Paginator}). */
  public String connectorId() {
    return config.id();
  }

  /** The base URL joined with a path such as {@code /api/2.0/mlflow/runs/get} and query parameters. */
  public URI url(String path, Map<String, ?> query) {
    StringBuilder s = new StringBuilder(config.baseUrl().toString()).append(path);
    char sep = path.contains("?") ? '&' : '?';
    for (var e : query.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      Iterable<?> values = e.getValue() instanceof Iterable<?> it ? it : List.of(e.getValue());
      for (Object v : values) {
        s.append(sep).append(encode(e.getKey())).append('=').append(encode(String.valueOf(v)));
        sep = '&';
      }
    }
    return URI.create(s.toString());
  }

  public JsonNode get(String path, Map<String, ?> query) throws ConnectorException, InterruptedException {
    return get(url(path, query)).body();
  }

  public ApiResponse get(URI uri) throws ConnectorException, InterruptedException {
    return execute(() -> new HttpGet(uri), Map.of());
  }

  public ApiResponse get(URI uri, Map<String, String> headers) throws ConnectorException, InterruptedException {
    return execute(() -> new HttpGet(uri), headers);
  }

  /**
   * As {@link #get(URI, Map)}, with the same retries, limits and errors, but a successful body goes
   * to {@code reader} as it arrives instead of being read whole and parsed into a tree (issue #12:
   * buffering and copying every page cost a GitHub collection a fifth of its time over the raw fetch).
   * A {@code 304} (for a conditional request) has no value.
   */
  @SuppressWarnings("unchecked")
  public <T> Streamed<T> getStreamed(URI uri, Map<String, String> headers, BodyReader<T> reader)
      throws ConnectorException, InterruptedException {
    ApiResponse response = execute(() -> new HttpGet(uri), headers, reader);
    return new Streamed<>(response, (T) response.streamed());
  }

  public JsonNode post(String path, Object body) throws ConnectorException, InterruptedException {
    String json = JSON.writeValueAsString(body);
    URI uri = url(path, Map.of());
    return execute(() -> {
      HttpPost post = new HttpPost(uri);
      post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
      return post;
    }, Map.of()).body();
  }

  private interface RequestFactory {
    HttpUriRequestBase create();
  }

  private ApiResponse execute(RequestFactory factory, Map<String, String> headers)
      throws ConnectorException, InterruptedException {
    return execute(factory, headers, null);
  }

  /** One request with retries; a 2xx body parsed into a tree, or given to {@code reader} when there is one. */
  private ApiResponse execute(RequestFactory factory, Map<String, String> headers, BodyReader<?> reader)
      throws ConnectorException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      cancellation.check();
      HttpUriRequestBase request = factory.create();
      URI requested = uriOf(request);
      Result result;
      try {
        result = sendWithinBound(request, headers, reader);
      } catch (ReaderFailed e) {
        throw e.failure;
      } catch (ResponseTooLarge e) {
        throw new ConnectorException("too_large", prefix() + e.getMessage(), e);
      } catch (RedirectLoop e) {
        throw new ConnectorException("redirect_loop", prefix() + "request to " + display(requested) + " followed "
            + e.getMessage(), e);
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted() || cancellation.isCancelled()) {
          throw new InterruptedException("request to " + display(requested) + " aborted: the run was cancelled or"
              + " passed its deadline");
        }
        if (attempt > retry.maxRetries()) {
          throw new ConnectorException("timeout", prefix() + "timed out on " + display(requested) + " after "
              + attempt + (attempt == 1 ? " attempt" : " attempts") + " (http.requestTimeout "
              + config.http().requestTimeout() + ")", e);
        }
        pause(retry.backoff(attempt), false, "timeout");
        continue;
      } catch (IOException e) {
        if (cancellation.isCancelled()) {
          throw new InterruptedException("request to " + display(requested) + " aborted: the run was cancelled or"
              + " passed its deadline");
        }
        // a refused certificate is refused again on every attempt: no retry, and a hint
        String refused = certificateRefused(e);
        if (refused != null || attempt > retry.maxRetries()) {
          throw new ConnectorException("connection", prefix() + "cannot reach " + display(requested) + ": "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + mask.apply(e.getMessage()))
              + (refused == null ? "" : " (" + refused + ")"), e);
        }
        pause(retry.backoff(attempt), false, "connection");
        continue;
      }
      int status = result.status;
      if (status >= 200 && status < 300) {
        return reader == null ? new ApiResponse(result.uri, status, result.headers, parse(result))
            : new ApiResponse(result.uri, status, result.headers, JSON.missingNode(), result.streamed);
      }
      if (status == 304 && headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("If-None-Match")
          || h.equalsIgnoreCase("If-Modified-Since"))) {
        return new ApiResponse(result.uri, status, result.headers, JSON.missingNode()); // unchanged: the caller has the body
      }
      // GitHub: the primary limit is a 403 (or 429) with x-ratelimit-remaining: 0; a secondary limit
      // is a 403 or 429 with Retry-After. Either is a rate limit, not refused credentials.
      boolean rateLimited = status == 429 || (status == 403 && (result.header("x-ratelimit-remaining")
          .filter("0"::equals).isPresent() || result.header("retry-after").isPresent()));
      if (!rateLimited && (status == 401 || status == 403)) {
        if (!sameOrigin(result.uri, config.baseUrl())) {
          throw new ConnectorException("auth", prefix() + "HTTP " + status + " from " + display(result.uri)
              + " (redirected from " + display(requested) + "; credentials are never sent to another host)"
              + detail(result));
        }
        throw new ConnectorException("auth", prefix() + "HTTP " + status + " from " + display(requested)
            + ": the credentials were refused (" + config.auth().type() + " auth"
            + (config.auth().token() != null ? " from " + config.auth().token() : "") + ")" + detail(result));
      }
      if (rateLimited && rateLimitDeadline != null && attempt <= retry.maxRetries()) {
        // the full wait the server asks for, when it fits the run's budget; else a clean stop now
        int tried = attempt;
        Duration wait = retry.serverRequestedWaitUncapped(result::header, clock.instant())
            .orElseGet(() -> retry.backoff(tried));
        checkRateLimitBudget(wait, "HTTP " + status + " from " + display(requested) + rateLimitHeaders(result));
        pause(wait, true, "rate_limited");
        continue;
      }
      if ((rateLimited || RetryPolicy.retryable(status)) && attempt <= retry.maxRetries()) {
        Optional<Duration> asked = retry.serverRequestedWait(result::header, clock.instant());
        int tried = attempt;
        pause(asked.orElseGet(() -> retry.backoff(tried)), rateLimited,
            rateLimited ? "rate_limited" : status >= 500 ? "http_5xx" : "http_4xx");
        continue;
      }
      String reason = rateLimited ? "rate_limited" : status >= 500 ? "http_5xx" : status == 404 ? "not_found" : "http_4xx";
      throw new ConnectorException(reason, prefix() + "HTTP " + status + " from " + display(requested)
          + (attempt > 1 ? " after " + attempt + " attempts" : "") + detail(result));
    }
  }

  /**
   * Sends one request (and its redirects) holding one of the {@code maxInFlight} slots. The slot is
   * not held while pausing between attempts, so a rate-limited thread does not block the others.
   */
  private Result sendWithinBound(HttpUriRequestBase request, Map<String, String> headers, BodyReader<?> reader)
      throws IOException, InterruptedException {
    inFlight.acquire();
    try {
      return sendFollowingRedirects(request, headers, reader);
    } finally {
      inFlight.release();
    }
  }

  /** A response as read: its body bytes, or (2xx with a {@link BodyReader}) no bytes and what the reader returned. */
  private record Result(URI uri, int status, Map<String, List<String>> headers, byte[] body, Object streamed) {
    Optional<String> header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }
  }

  private Result sendFollowingRedirects(HttpUriRequestBase request, Map<String, String> headers, BodyReader<?> reader)
      throws IOException {
    URI origin = config.baseUrl();
    HttpUriRequestBase current = request;
    for (int hop = 0; ; hop++) {
      URI uri = uriOf(current);
      headers.forEach(current::setHeader);
      if (authHeader != null && sameOrigin(uri, origin)) {
        current.setHeader(authHeader[0], authHeader[1]);
      }
      if (!current.containsHeader("Accept")) {
        current.setHeader("Accept", "application/json");
      }
      requests.incrementAndGet();
      HttpUriRequestBase inFlightRequest = current;
      Result result;
      // The run's deadline holds inside a request too: a server that sends a byte now and then
      // never trips the per-read timeout, so the request is aborted when the run is cancelled.
      ScheduledFuture<?> watch = watchdog().scheduleWithFixedDelay(() -> {
        if (cancellation.isCancelled()) {
          inFlightRequest.cancel();
        }
      }, WATCH_EVERY.toMillis(), WATCH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      try {
        result = client.execute(current, response -> {
          Map<String, List<String>> h = new LinkedHashMap<>();
          for (Header header : response.getHeaders()) {
            h.computeIfAbsent(header.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
          }
          int code = response.getCode();
          if (reader != null && code >= 200 && code < 300) {
            return new Result(uri, code, h, new byte[0], readStreamed(uri, response.getEntity(), reader));
          }
          return new Result(uri, code, h, readBounded(uri, response.getEntity()), null);
        });
      } finally {
        watch.cancel(false);
      }
      boolean redirect = result.status == 301 || result.status == 302 || result.status == 303
          || result.status == 307 || result.status == 308;
      Optional<String> location = result.header("location");
      if (!redirect || location.isEmpty() || !(current instanceof HttpGet)) {
        return result;
      }
      if (hop >= MAX_REDIRECTS) {
        throw new RedirectLoop(uri, MAX_REDIRECTS);
      }
      // A new request carries no headers of the old one: credentials go only to the configured origin.
      current = new HttpGet(uri.resolve(location.get()));
    }
  }

  /** A body over {@code http.maxResponseBytes}: refused by its Content-Length, or when reading passes the limit. */
  static final class ResponseTooLarge extends IOException {
    ResponseTooLarge(String message) {
      super(message);
    }
  }

  /** A {@link BodyReader}'s own failure, carried out of the HTTP client's response handler unchanged. */
  private static final class ReaderFailed extends IOException {
    final ConnectorException failure;

    ReaderFailed(ConnectorException failure) {
      super(failure.getMessage(), failure);
      this.failure = failure;
    }
  }

  /** More redirects than {@value #MAX_REDIRECTS}: a loop, which retrying does not fix. */
  static final class RedirectLoop extends IOException {
    RedirectLoop(URI at, int max) {
      super("more than " + max + " redirects (last to " + display(at) + "): a redirect loop");
    }
  }

  /**
   * Reads a body up to {@code http.maxResponseBytes}, streaming, so that a huge response costs at
   * most the limit in memory; a larger declared or actual length fails at once.
   */
  private byte[] readBounded(URI uri, HttpEntity entity) throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    long max = config.http().maxResponseBytes();
    long declared = entity.getContentLength();
    if (declared > max) {
      throw new ResponseTooLarge("the response from " + display(uri) + " declares " + declared
          + " bytes, more than http.maxResponseBytes " + max);
    }
    try (InputStream in = entity.getContent()) {
      if (in == null) {
        return new byte[0];
      }
      if (declared >= 0 && declared <= Integer.MAX_VALUE - 8) {
        // the usual case (a Content-Length within the limit): read into one array of that size, not
        // a growing buffer copied at the end (a page of runs is ~120 KB; #12's bench)
        byte[] body = new byte[(int) declared];
        int filled = in.readNBytes(body, 0, body.length); // a body cut short fails in the client (ConnectionClosedException)
        return filled == body.length ? body : java.util.Arrays.copyOf(body, filled);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
      byte[] buffer = new byte[8192];
      long total = 0;
      for (int n; (n = in.read(buffer)) != -1; ) {
        total += n;
        if (total > max) {
          throw new ResponseTooLarge("the response from " + display(uri) + " is larger than http.maxResponseBytes "
              + max + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  /** Hands a body to {@code reader} through a stream that fails past {@code http.maxResponseBytes}. */
  private Object readStreamed(URI uri, HttpEntity entity, BodyReader<?> reader) throws IOException {
    long max = config.http().maxResponseBytes();
    long declared = entity == null ? 0 : entity.getContentLength();
    if (declared > max) {
      throw new ResponseTooLarge("the response from " + display(uri) + " declares " + declared
          + " bytes, more than http.maxResponseBytes " + max);
    }
    try (InputStream in = entity == null || entity.getContent() == null ? InputStream.nullInputStream()
        : new BoundedStream(entity.getContent(), max, declared, uri)) {
      return reader.read(in);
    } catch (ConnectorException e) {
      throw new ReaderFailed(e);
    }
  }

  /**
   * A body stream that fails with {@link ResponseTooLarge} once more than {@code max} bytes were
   * read; read whole, a body with a {@code Content-Length} goes into one array of that size.
   */
  private static final class BoundedStream extends java.io.FilterInputStream {
    private final long max;
    /** The body's Content-Length, -1 when none. */
    private final long declared;
    private final URI uri;
    private long total;

    BoundedStream(InputStream in, long max, long declared, URI uri) {
      super(in);
      this.max = max;
      this.declared = declared;
      this.uri = uri;
    }

    /**
     * The rest of the body. With a {@code Content-Length} (already checked against the limit), one
     * array of that size, as {@link #readBounded} reads other bodies: the default reads 8 KB chunks
     * and copies them into a new array at the end, a second copy of every page of runs (12 MB per
     * 10,000 runs; #12's bench). Bytes past the declared length are still read, and counted.
     */
    @Override
    public byte[] readAllBytes() throws IOException {
      if (declared < 0 || declared > Integer.MAX_VALUE - 8 || total != 0) {
        return super.readAllBytes();
      }
      byte[] body = new byte[(int) declared];
      int filled = readNBytes(body, 0, body.length); // a body cut short fails in the client (ConnectionClosedException)
      if (filled < body.length) {
        return java.util.Arrays.copyOf(body, filled);
      }
      int next = read();
      if (next == -1) {
        return body;
      }
      byte[] more = super.readAllBytes();
      byte[] all = java.util.Arrays.copyOf(body, body.length + 1 + more.length);
      all[body.length] = (byte) next;
      System.arraycopy(more, 0, all, body.length + 1, more.length);
      return all;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b != -1) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) throws ResponseTooLarge {
      total += n;
      if (total > max) {
        throw new ResponseTooLarge("the response from " + display(uri) + " is larger than http.maxResponseBytes "
            + max + " bytes");
      }
    }
  }

  private ScheduledExecutorService watchdog() {
    synchronized (watchdog) {
      if (watchdog.get() == null) {
        watchdog.set(Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "aims-http-watch-" + config.id());
          t.setDaemon(true);
          return t;
        }));
      }
      return watchdog.get();
    }
  }

  private static URI uriOf(HttpUriRequestBase request) {
    try {
      return request.getUri();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private JsonNode parse(Result result) throws ConnectorException {
    if (result.body.length == 0) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(result.body);
    } catch (JacksonException e) {
      String type = result.header("content-type").map(t -> " (content-type " + t + ")").orElse("");
      throw new ConnectorException("malformed", prefix() + "response from " + display(result.uri)
          + type + " is not valid JSON: " + mask.apply(e.getOriginalMessage()));
    }
  }

  /**
   * Waits before the next attempt, unless the wait would outlive the run: then the run fails now
   * with {@code reason} (what the attempts kept failing with) rather than sleep into its deadline.
   */
  private void pause(Duration wait, boolean rateLimited, String reason) throws InterruptedException, ConnectorException {
    java.time.Instant deadline = cancellation.deadline();
    if (deadline != null && clock.instant().plus(wait).isAfter(deadline)) {
      throw new ConnectorException(reason, prefix() + (rateLimited
          ? "the source asks to wait " + wait.toSeconds() + " s before the next request"
          : "the next retry (after " + reason + "), in " + wait.toMillis() + " ms,")
          + " would pass the run's deadline (http.runTimeout " + config.http().runTimeout() + ")");
    }
    if (rateLimited) {
      progress.rateLimitWait(wait);
    }
    sleeper.sleep(Math.max(0, wait.toMillis()));
  }

  private static String rateLimitHeaders(Result result) {
    StringBuilder s = new StringBuilder();
    for (String name : List.of("retry-after", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-remaining",
        "ratelimit-reset")) {
      result.header(name).ifPresent(v -> s.append(s.isEmpty() ? ", " : "; ").append(name).append(": ").append(v));
    }
    return s.toString();
  }

  /**
   * What to tell the operator when the TLS handshake failed on the server's certificate, or null
   * for any other I/O failure (which may be transient).
   */
  private String certificateRefused(IOException e) {
    if (!(e instanceof SSLHandshakeException)) {
      return null;
    }
    boolean refused = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertPathBuilderException) {
        // no chain to a trusted CA: a private CA, or a self-signed certificate
        return "the server's certificate is not signed by a trusted CA"
            + (config.http().caBundle() == null ? "; for a private CA set http.caBundle to a PEM file of it"
                : ", neither the JVM's nor one in http.caBundle " + config.http().caBundle());
      }
      refused |= t instanceof CertificateException || t instanceof CertPathValidatorException;
    }
    // expired, revoked, or not issued for this host name
    return refused ? "the server's certificate was refused" : null;
  }

  private String prefix() {
    return "connector '" + config.id() + "': ";
  }

  /** The URL as shown in messages: without user info, which never holds our credentials anyway. */
  public static String display(URI uri) {
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null).toString();
    } catch (java.net.URISyntaxException e) {
      return uri.getHost() + uri.getPath();
    }
  }

  /** The vendor's error message from an error body, masked and shortened. */
  private String detail(Result result) {
    String body = mask.apply(new String(result.body, StandardCharsets.UTF_8)).strip();
    if (body.isEmpty()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      String message = firstText(node, "message", "error", "error_code", "code");
      if (message != null) {
        String code = firstText(node, "error_code", "code", "__type");
        return ": " + (code != null && !Objects.equals(code, message) ? code + ": " : "") + truncate(message);
      }
    } catch (JacksonException e) {
      // not JSON: show the start of the body
    }
    return ": " + truncate(body);
  }

  private static String firstText(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode v = node.get(name);
      if (v != null && v.isValueNode()) {
        return v.asString();
      }
    }
    return null;
  }

  private static String truncate(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    synchronized (watchdog) {
      ScheduledExecutorService running = watchdog.getAndSet(null);
      if (running != null) {
        running.shutdownNow();
      }
    }
    try {
      client.close();
    } catch (IOException e) {
      // closing a pool of idle connections: nothing to report
    }
  }
}
