package io.aimsmonitor.connector.http;

import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds the one HTTP client every HTTP connector uses, configured from the instance's
 * {@link HttpSettings}: timeouts, a bounded connection pool ({@code maxInFlight}), an optional
 * proxy and CA bundle, and the instance's credentials, read from the environment or a file.
 */
public final class HttpClientFactory {

  private final ConnectorConfig config;
  private final Secrets secrets;
  private final Progress progress;
  private final Cancellation cancellation;
  private final Clock clock;
  private final ApiClient.Sleeper sleeper;

  public HttpClientFactory(ConnectorConfig config, Secrets secrets, Progress progress, Cancellation cancellation,
      Clock clock) {
    this(config, secrets, progress, cancellation, clock, Thread::sleep);
  }

  /**
   * @param sleeper how clients wait between attempts; tests pass one that records instead of
   *     sleeping, so that a connector's retry behaviour is tested without real waits
   */
  public HttpClientFactory(ConnectorConfig config, Secrets secrets, Progress progress, Cancellation cancellation,
      Clock clock, ApiClient.Sleeper sleeper) {
    this.config = config;
    this.secrets = secrets;
    this.progress = progress;
    this.cancellation = cancellation;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Opens a JSON API client for {@link ConnectorConfig#baseUrl()}; close it when the run ends. */
  public ApiClient open() throws ConnectorException {
    if (config.baseUrl() == null) {
      throw new ConnectorException("config", config.describe() + ": baseUrl is required for this connector type");
    }
    return new ApiClient(config, buildClient(), authorizationHeader(), progress, cancellation, clock,
        RetryPolicy.of(config.http().maxRetries()), sleeper);
  }

  /** The raw Apache client with this instance's pool, timeouts, proxy and TLS settings. */
  public CloseableHttpClient buildClient() throws ConnectorException {
    HttpSettings http = config.http();
    var connections = PoolingHttpClientConnectionManagerBuilder.create()
        .setMaxConnTotal(http.maxInFlight())
        .setMaxConnPerRoute(http.maxInFlight())
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(http.connectTimeout()))
            .setSocketTimeout(Timeout.of(http.requestTimeout()))
            .build());
    if (http.caBundle() != null) {
      connections.setTlsSocketStrategy(new DefaultClientTlsStrategy(sslContext(http)));
    }
    var builder = HttpClients.custom()
        .setConnectionManager(connections.build())
        .setDefaultRequestConfig(RequestConfig.custom()
            .setResponseTimeout(Timeout.of(http.requestTimeout()))
            .setConnectionRequestTimeout(Timeout.of(http.requestTimeout()))
            .build())
        // Redirects and retries are ours: we drop credentials on cross-host redirects and
        // honour Retry-After, which the client's defaults do not do for us.
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .setUserAgent("aims-monitor");
    if (http.proxy() != null) {
      builder.setProxy(new HttpHost(http.proxy().getScheme(), http.proxy().getHost(), http.proxy().getPort()));
    }
    return builder.build();
  }

  /** The {@code name: value} header carrying the credentials, or null for no auth. */
  String[] authorizationHeader() throws ConnectorException {
    var auth = config.auth();
    return switch (auth.type()) {
      case "bearer" -> new String[] {"Authorization", "Bearer " + secrets.read(config.id(), auth.token())};
      case "header" -> new String[] {auth.header(), secrets.read(config.id(), auth.token())};
      case "basic" -> new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (auth.username() + ":" + secrets.read(config.id(), auth.password())).getBytes(StandardCharsets.UTF_8))};
      default -> null;
    };
  }

  private SSLContext sslContext(HttpSettings http) throws ConnectorException {
    try (InputStream in = Files.newInputStream(http.caBundle())) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
      if (i == 0) {
        throw new ConnectorException("config", config.describe() + ": http.caBundle " + http.caBundle()
            + " holds no PEM certificate");
      }
      return SSLContexts.custom().loadTrustMaterial(trust, null).build();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConnectorException("config", config.describe() + ": cannot load http.caBundle " + http.caBundle()
          + ": " + e.getMessage(), e);
    }
  }
}
