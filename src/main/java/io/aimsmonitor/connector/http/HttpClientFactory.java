package io.aimsmonitor.connector.http;

import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
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
 * proxy and CA bundle (CAs trusted in addition to the JVM's), and the instance's credentials,
 * read from the environment or a file. Server host names are always verified.
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
    HttpHost proxy = http.proxy() == null ? null : proxy(http.proxy());
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
    if (proxy != null) {
      builder.setProxy(proxy);
    }
    return builder.build();
  }

  /**
   * The proxy host: an {@code http://} or {@code https://} URL with a host (the port defaults to
   * the scheme's).
   */
  private HttpHost proxy(URI proxy) throws ConnectorException {
    String problem = proxyProblem(proxy);
    if (problem != null) {
      throw new ConnectorException("config", config.describe() + ": http.proxy " + problem);
    }
    String scheme = proxy.getScheme().toLowerCase(Locale.ROOT);
    int port = proxy.getPort() != -1 ? proxy.getPort() : scheme.equals("https") ? 443 : 80;
    return new HttpHost(scheme, proxy.getHost(), port);
  }

  /**
   * What is wrong with a proxy URL, or null if nothing: the one check behind both {@code validate}
   * and the client. Credentials in the URL would be silently dropped (and would sit in the YAML),
   * so they are refused rather than ignored; an opaque URL is not echoed, since
   * {@code user:secret@proxy:3128} parses as scheme "user".
   */
  public static String proxyProblem(URI proxy) {
    String scheme = proxy.getScheme() == null ? "" : proxy.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || proxy.getHost() == null) {
      return (proxy.isOpaque() ? "" : ApiClient.display(proxy) + " ")
          + "is not an http:// or https:// URL with a host, such as http://proxy:3128";
    }
    if (proxy.getRawUserInfo() != null) {
      return ApiClient.display(proxy) + " must not hold credentials (user:password@): proxy authentication is not supported";
    }
    return null;
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
    try {
      return SSLContexts.custom().loadTrustMaterial(trustStore(http.caBundle()), null).build();
    } catch (GeneralSecurityException e) {
      throw new ConnectorException("config", config.describe() + ": cannot use http.caBundle " + http.caBundle()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * What a client with {@code http.caBundle} trusts: the JVM's default CAs and, in addition (the
   * bundle holds <em>extra</em> CAs, e.g. a private registry's), every certificate in the bundle.
   * A bundle with none is a configuration error, not an empty addition.
   */
  KeyStore trustStore(Path caBundle) throws ConnectorException {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int bundled = 0;
      try (InputStream in = Files.newInputStream(caBundle)) {
        for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trust.setCertificateEntry("ca-bundle-" + bundled++, cert);
        }
      } catch (CertificateException e) {
        throw new ConnectorException("config", config.describe() + ": http.caBundle " + caBundle
            + " is not a file of PEM certificates: " + e.getMessage(), e);
      }
      if (bundled == 0) {
        throw new ConnectorException("config", config.describe() + ": http.caBundle " + caBundle
            + " holds no PEM certificate");
      }
      TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      int n = 0;
      for (TrustManager manager : defaults.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate ca : x509.getAcceptedIssuers()) {
            trust.setCertificateEntry("default-" + n++, ca);
          }
        }
      }
      return trust;
    } catch (IOException e) {
      throw new ConnectorException("config", config.describe() + ": cannot read http.caBundle " + caBundle + ": "
          + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new ConnectorException("config", config.describe() + ": cannot load http.caBundle " + caBundle + ": "
          + e.getMessage(), e);
    }
  }
}
