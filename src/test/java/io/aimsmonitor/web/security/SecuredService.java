package io.aimsmonitor.web.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.TestAccess;
import io.aimsmonitor.testing.Workbench;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One running service, shared by the access-control tests (Spring caches the context across the
 * subclasses): a file connector and a one-rule pack, the first admin's password from the
 * property, the metrics endpoint in token mode, and a local identity provider on WireMock that
 * serves a JWK set made at run time, for JWT bearer tokens and OIDC login (authorization code).
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", TestAccess.ADMIN_PASSWORD_PROPERTY,
        "aims.security.metrics.access=token", "aims.security.metrics.token=" + SecuredService.SCRAPE_TOKEN,
        "aims.security.oidc.role-mapping.aims-admins=admin", "aims.security.oidc.role-mapping.aims-reviewers=reviewer",
        "aims.security.oidc.role-mapping.aims-readers=viewer",
        "spring.security.oauth2.client.registration.test-idp.client-id=aims-monitor",
        "spring.security.oauth2.client.registration.test-idp.client-secret=test-client-secret",
        "spring.security.oauth2.client.registration.test-idp.scope=openid,profile",
        "spring.security.oauth2.client.registration.test-idp.authorization-grant-type=authorization_code",
        "spring.security.oauth2.client.registration.test-idp.redirect-uri={baseUrl}/login/oauth2/code/{registrationId}",
        "spring.security.oauth2.client.provider.test-idp.user-name-attribute=preferred_username"})
abstract class SecuredService {

  static final String SCRAPE_TOKEN = "test-scrape-token-not-secret";
  static final String ISSUER = "https://idp.example.test";

  static final WireMockServer IDP = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  static final RSAKey SIGNING_KEY = generateKey();

  @DynamicPropertySource
  static void service(DynamicPropertyRegistry registry) throws IOException {
    if (!IDP.isRunning()) {
      IDP.start();
      IDP.stubFor(get("/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json")
          .withBody(new JWKSet(SIGNING_KEY.toPublicJWK()).toString())));
    }
    String idp = "http://127.0.0.1:" + IDP.port();
    registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> idp + "/jwks");
    registry.add("spring.security.oauth2.client.provider.test-idp.authorization-uri", () -> idp + "/authorize");
    registry.add("spring.security.oauth2.client.provider.test-idp.token-uri", () -> idp + "/token");
    registry.add("spring.security.oauth2.client.provider.test-idp.jwk-set-uri", () -> idp + "/jwks");

    Path root = Files.createTempDirectory("aims-security-test");
    Path connectors = Files.createDirectories(root.resolve("connectors"));
    Files.createDirectories(root.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(root.resolve("inventory/models.yaml"), Workbench.model("churn", "4", "[]"));
    Path pack = Files.createDirectories(root.resolve("rules/test-pack"));
    Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n");
    Files.writeString(pack.resolve("rules.drl"), Workbench.OWNER_RULE);
    registry.add("aims.connectors-dir", connectors::toString);
    registry.add("aims.rules-dir", () -> root.resolve("rules").toString());
    registry.add("aims.data-dir", () -> root.resolve("data").toString());
  }

  @LocalServerPort
  int port;

  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A request with a JSON body (or none for GET and DELETE). */
  HttpRequest.Builder request(String method, String path, String jsonBody) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
    if (jsonBody == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return builder.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
  }

  static HttpRequest.Builder bearer(HttpRequest.Builder request, String token) {
    return request.header("Authorization", "Bearer " + token);
  }

  /** A JWT signed by the test identity provider. */
  static String jwt(String username, List<String> groups, Instant expiresAt) {
    return sign(new JWTClaimsSet.Builder().issuer(ISSUER).subject("sub-" + username)
        .claim("preferred_username", username).claim("groups", groups)
        .issueTime(Date.from(Instant.now().minusSeconds(60))).expirationTime(Date.from(expiresAt)).build());
  }

  static String sign(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(SIGNING_KEY.getKeyID()).build(),
          claims);
      jwt.sign(new RSASSASigner(SIGNING_KEY));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A browser session: its cookie and the CSRF token its changes must send. */
  record Session(String cookie, String csrfToken) {
    HttpRequest.Builder apply(HttpRequest.Builder request, boolean withCsrf) {
      request.header("Cookie", cookie);
      return withCsrf ? request.header("X-CSRF-TOKEN", csrfToken) : request;
    }
  }

  /** Logs in through the login form, as a browser does, and returns the session. */
  Session formLogin(String username, String password) {
    HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/login")).header("Accept", "text/html"));
    String cookie = sessionCookie(page);
    Matcher csrf = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"|name=\"_csrf\" value=\"([^\"]+)\"")
        .matcher(page.body());
    if (!csrf.find()) {
      throw new AssertionError("no CSRF field in the login page:\n" + page.body());
    }
    String token = csrf.group(1) != null ? csrf.group(1) : csrf.group(2);
    HttpResponse<String> login = send(HttpRequest.newBuilder(uri("/login")).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=" + password + "&_csrf=" + token)));
    if (login.statusCode() != 302 || login.headers().firstValue("Location").orElse("").contains("error")) {
      throw new AssertionError("form login of " + username + " failed: " + login.statusCode() + " " + login.headers());
    }
    return session(sessionCookie(login));
  }

  /** The session's CSRF token, as a browser page gets it from GET /api/me. */
  Session session(String cookie) {
    HttpResponse<String> me = send(HttpRequest.newBuilder(uri("/api/me")).header("Cookie", cookie));
    Matcher token = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(me.body());
    if (me.statusCode() != 200 || !token.find()) {
      throw new AssertionError("GET /api/me in the session: " + me.statusCode() + " " + me.body());
    }
    return new Session(cookie, token.group(1));
  }

  static String sessionCookie(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
        .map(c -> c.substring(0, c.indexOf(';'))).findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie in " + response.headers().map()));
  }

  private static RSAKey generateKey() {
    try {
      return new RSAKeyGenerator(2048).keyID("test-key").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
