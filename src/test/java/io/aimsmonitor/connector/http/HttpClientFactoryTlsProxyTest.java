package io.aimsmonitor.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS trust ({@code http.caBundle}) and proxy ({@code http.proxy}) settings of the shared
 * HTTP layer, over real connections: an HTTPS WireMock with a self-signed certificate for
 * {@code localhost} (so the JVM does not trust it), and a WireMock acting as a forward proxy.
 */
class HttpClientFactoryTlsProxyTest {

  private static final String PASSWORD = "changeit";

  /** An HTTPS-only server whose certificate names localhost (WireMock's own names no host), made per run. */
  private static WireMockServer tls;
  private static X509Certificate serverCert;

  @TempDir
  static Path keys;

  @RegisterExtension
  static WireMockExtension proxy = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").enableBrowserProxying(true)).build();

  @TempDir
  Path dir;

  private final List<Long> sleeps = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startTlsServer() throws Exception {
    Path keystore = keys.resolve("localhost.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    tls = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
        .keystorePath(keystore.toString()).keystoreType("PKCS12").keystorePassword(PASSWORD)
        .keyManagerPassword(PASSWORD));
    tls.start();
    serverCert = serverCertificate(tls.httpsPort());
  }

  @AfterAll
  static void stopTlsServer() {
    if (tls != null) {
      tls.stop();
    }
  }

  @BeforeEach
  void resetTlsServer() {
    tls.resetAll();
    tls.stubFor(get("/api/models").willReturn(okJson("{\"models\":[]}")));
  }

  @Test
  void aCaBundleHoldingTheServersCertificateMakesItTrusted() throws Exception {
    Path bundle = Files.writeString(dir.resolve("ca.pem"), pem(serverCert));

    try (ApiClient api = client(httpsUrl("localhost"), settings(bundle, null))) {
      assertThat(api.get("/api/models", Map.of()).get("models").isArray()).isTrue();
    }
    tls.verify(1, getRequestedFor(urlPathEqualTo("/api/models")));
  }

  @Test
  void withoutTheCaBundleTheServerIsRefusedAtOnceNamingConnectorUrlAndSetting() throws Exception {
    ConnectorException e;
    try (ApiClient api = client(httpsUrl("localhost"), settings(null, null))) {
      e = catchThrowableOfType(ConnectorException.class, () -> api.get("/api/models", Map.of()));
    }

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo("connection");
    assertThat(e.getMessage())
        .startsWith("connector 'registry': cannot reach https://localhost:" + tls.httpsPort() + "/api/models: ")
        .contains("SSLHandshakeException")
        .contains("not signed by a trusted CA")
        .contains("set http.caBundle");
    assertThat(sleeps).as("a refused certificate is not retried").isEmpty();
    tls.verify(0, getRequestedFor(urlPathEqualTo("/api/models")));
  }

  @Test
  void aTrustedCertificateIsStillRefusedForAHostItDoesNotName() throws Exception {
    Path bundle = Files.writeString(dir.resolve("ca.pem"), pem(serverCert));
    ConnectorException e;
    try (ApiClient api = client(httpsUrl("127.0.0.1"), settings(bundle, null))) {
      e = catchThrowableOfType(ConnectorException.class, () -> api.get("/api/models", Map.of()));
    }

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo("connection");
    assertThat(e.getMessage()).contains("https://127.0.0.1:" + tls.httpsPort() + "/api/models")
        .contains("certificate was refused");
    assertThat(sleeps).isEmpty();
  }

  /** PEM markers are assembled here so that secret scanners do not mistake this fake key for a real one. */
  static java.util.stream.Stream<String> bundlesWithoutACertificate() {
    String marker = "PRIVATE" + " KEY-----";
    return java.util.stream.Stream.of("", "not a certificate\n", "-----BEGIN " + marker + "\nMIIB\n-----END " + marker + "\n");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("bundlesWithoutACertificate")
  void aCaBundleWithoutACertificateIsAConfigErrorNamingTheFile(String content) throws Exception {
    Path bundle = Files.writeString(dir.resolve("empty.pem"), content);
    HttpClientFactory factory = factory(httpsUrl("localhost"), settings(bundle, null));

    ConnectorException e = catchThrowableOfType(ConnectorException.class, factory::open);

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo("config");
    assertThat(e.getMessage()).startsWith("connector 'registry' (test, ").contains("http.caBundle " + bundle);
  }

  @Test
  void aMissingCaBundleIsAConfigErrorNamingTheFile() {
    Path bundle = dir.resolve("missing.pem");

    ConnectorException e = catchThrowableOfType(ConnectorException.class,
        () -> factory(httpsUrl("localhost"), settings(bundle, null)).open());

    assertThat(e.reason()).isEqualTo("config");
    assertThat(e.getMessage()).contains("http.caBundle " + bundle).contains("NoSuchFileException");
  }

  @Test
  void theCaBundleAddsToTheJvmsTrustedCasRatherThanReplacingThem() throws Exception {
    Path bundle = Files.writeString(dir.resolve("ca.pem"), pem(serverCert));
    TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jvm.init((KeyStore) null);
    X509Certificate[] jvmCas = ((X509TrustManager) jvm.getTrustManagers()[0]).getAcceptedIssuers();

    KeyStore trust = factory(httpsUrl("localhost"), settings(bundle, null)).trustStore(bundle);

    assertThat(trust.getCertificateAlias(serverCert)).isNotNull();
    assertThat(jvmCas).isNotEmpty().allSatisfy(ca -> assertThat(trust.getCertificateAlias(ca)).isNotNull());
    assertThat(trust.size()).isEqualTo(jvmCas.length + 1);
  }

  @Test
  void requestsGoThroughTheProxyToAHostOnlyTheProxyCanReach() throws Exception {
    proxy.stubFor(get(urlPathEqualTo("/api/models")).withHeader("Host", equalTo("registry.invalid"))
        .willReturn(okJson("{\"models\":[\"fraud\"]}")));

    try (ApiClient api = client(URI.create("http://registry.invalid"),
        settings(null, URI.create(proxy.baseUrl())))) {
      assertThat(api.get("/api/models", Map.of()).get("models").get(0).asString()).isEqualTo("fraud");
    }
    proxy.verify(1, getRequestedFor(urlPathEqualTo("/api/models")).withHeader("Host", equalTo("registry.invalid")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"proxy:3128", "socks5://proxy:1080", "http:///nohost", "http://user:s3cret@proxy:3128"})
  void aProxyThatIsNotAnHttpUrlWithAHostIsAConfigError(String url) {
    ConnectorException e = catchThrowableOfType(ConnectorException.class,
        () -> factory(URI.create("http://registry.invalid"), settings(null, URI.create(url))).open());

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo("config");
    assertThat(e.getMessage()).startsWith("connector 'registry' (test, ").contains("http.proxy")
        .doesNotContain("s3cret");
  }

  private static URI httpsUrl(String host) {
    return URI.create("https://" + host + ":" + tls.httpsPort());
  }

  private static HttpSettings settings(Path caBundle, URI proxyUrl) {
    return new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 4, 2, 100, caBundle,
        proxyUrl);
  }

  private HttpClientFactory factory(URI baseUrl, HttpSettings http) {
    ConnectorConfig config = new ConnectorConfig("registry", "test", baseUrl, AuthConfig.NONE, "0 0 * * * ?",
        Duration.ofHours(1), Duration.ofDays(1), true, http, Map.of(), Path.of("connectors/registry.yaml"));
    return new HttpClientFactory(config, new Secrets(Map.of()), Progress.NONE, Cancellation.NEVER, Clock.systemUTC(),
        sleeps::add);
  }

  private ApiClient client(URI baseUrl, HttpSettings http) throws ConnectorException {
    return factory(baseUrl, http).open();
  }

  /** The certificate the server presents, read with a handshake that trusts anything (only here, in the test). */
  private static X509Certificate serverCertificate(int port) throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, new SecureRandom());
    try (SSLSocket socket = (SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static String pem(X509Certificate cert) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
