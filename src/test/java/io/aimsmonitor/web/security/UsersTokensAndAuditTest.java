package io.aimsmonitor.web.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.aimsmonitor.testing.TestAccess;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Users and API tokens through the API as an admin does it, OIDC login through the
 * authorization-code flow against a local identity provider, and the audit log showing every
 * change with actor, before/after and client address.
 */
class UsersTokensAndAuditTest extends SecuredService {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired
  JdbcClient jdbc;

  private HttpResponse<String> asAdmin(String method, String path, String body) {
    return send(request(method, path, body).header("Authorization", TestAccess.adminBasic()));
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  private JsonNode audit(String query) {
    HttpResponse<String> response = asAdmin("GET", "/api/audit?" + query, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  @Test
  void anAdminManagesUsersWhosePasswordsAreStoredOnlyAsHashes() {
    HttpResponse<String> created = asAdmin("POST", "/api/users", "{\"username\":\"rosa\",\"role\":\"reviewer\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String password = json(created).get("password").asString();
    assertThat(password).hasSizeGreaterThanOrEqualTo(LocalUsers.MIN_PASSWORD_LENGTH);
    assertThat(created.body()).doesNotContain("bcrypt");

    // The new user logs in with the generated password and is a reviewer.
    HttpResponse<String> me = send(HttpRequest.newBuilder(uri("/api/me")).header("Authorization",
        TestAccess.basic("rosa", password)));
    assertThat(json(me).get("role").asString()).isEqualTo("reviewer");
    String hash = jdbc.sql("SELECT password_hash FROM app_user WHERE username = 'rosa'").query(String.class).single();
    assertThat(hash).startsWith("{bcrypt}").doesNotContain(password);
    assertThat(asAdmin("GET", "/api/users", null).body()).contains("rosa").doesNotContain("{bcrypt}");

    // Demoted to viewer: the same credentials can no longer reload rules or act on findings.
    assertThat(asAdmin("PATCH", "/api/users/rosa", "{\"role\":\"viewer\"}").statusCode()).isEqualTo(200);
    assertThat(send(request("POST", "/api/rules/reload", null).header("Authorization",
        TestAccess.basic("rosa", password))).statusCode()).isEqualTo(403);
    // A wrong password is refused and recorded, without the password.
    assertThat(send(HttpRequest.newBuilder(uri("/api/me")).header("Authorization",
        TestAccess.basic("rosa", "not-her-password"))).statusCode()).isEqualTo(401);

    assertThat(asAdmin("POST", "/api/users", "{\"username\":\"rosa\",\"role\":\"viewer\",\"password\":\"another-long-password\"}")
        .statusCode()).as("a taken name").isEqualTo(409);
    assertThat(asAdmin("POST", "/api/users", "{\"username\":\"short\",\"role\":\"viewer\",\"password\":\"short\"}")
        .body()).contains("at least 12 characters");
    assertThat(asAdmin("POST", "/api/users", "{\"username\":\"x\",\"role\":\"owner\"}").body())
        .contains("role must be viewer, reviewer or admin");
    assertThat(asAdmin("DELETE", "/api/users/admin", null).statusCode()).as("the last admin").isEqualTo(409);
    assertThat(asAdmin("DELETE", "/api/users/rosa", null).statusCode()).isEqualTo(204);

    JsonNode entries = audit("target=rosa").get("items");
    assertThat(entries).extracting(e -> e.get("action").asString())
        .containsExactly("user.delete", "login.failed", "user.update", "user.create");
    JsonNode update = entries.get(2);
    assertThat(update.get("actor").asString()).isEqualTo("admin");
    assertThat(update.get("clientAddress").asString()).isEqualTo("127.0.0.1");
    assertThat(update.get("before").get("role").asString()).isEqualTo("reviewer");
    assertThat(update.get("after").get("role").asString()).isEqualTo("viewer");
    JsonNode failure = entries.get(1);
    assertThat(failure.get("actor").asString()).isEqualTo("anonymous");
    assertThat(failure.toString()).doesNotContain("not-her-password");
    assertThat(entries.get(0).get("after").isNull()).isTrue();
    assertThat(audit("action=user.*&actor=admin&limit=1").get("items")).hasSize(1);
    assertThat(audit("action=user.*&actor=admin&limit=1").get("total").asLong()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void apiTokensAreShownOnceUsedAsBearerTokensAndRevoked() {
    HttpResponse<String> created = asAdmin("POST", "/api/tokens", "{\"name\":\"grafana\",\"role\":\"viewer\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String secret = json(created).get("secret").asString();
    long id = json(created).get("token").get("id").asLong();
    assertThat(secret).startsWith("aims_");
    assertThat(jdbc.sql("SELECT COUNT(*) FROM api_token WHERE token_hash = :s").param("s", secret).query(Long.class)
        .single()).as("the token itself is not stored").isZero();

    HttpResponse<String> me = send(bearer(HttpRequest.newBuilder(uri("/api/me")), secret));
    assertThat(json(me).get("name").asString()).isEqualTo("token:grafana");
    assertThat(json(me).get("role").asString()).isEqualTo("viewer");
    assertThat(json(me).has("csrf")).as("no CSRF token for bearer clients").isFalse();
    // an API client's request is authenticated for itself: no session is made for it
    assertThat(me.headers().allValues("Set-Cookie")).as("a session for a bearer client").isEmpty();
    assertThat(asAdmin("GET", "/api/me", null).headers().allValues("Set-Cookie")).as("a session for HTTP Basic")
        .isEmpty();
    assertThat(send(bearer(request("POST", "/api/rules/reload", null), secret)).statusCode()).isEqualTo(403);
    // The table matches decoded paths: an encoded letter does not slip past the admin row.
    assertThat(send(bearer(HttpRequest.newBuilder(uri("/api/%75sers")), secret)).statusCode()).isEqualTo(403);

    String list = asAdmin("GET", "/api/tokens", null).body();
    assertThat(list).contains("grafana").doesNotContain(secret);
    JsonNode listed = null;
    for (JsonNode t : JSON.readTree(list)) {
      if (t.get("id").asLong() == id) {
        listed = t;
      }
    }
    assertThat(listed.get("lastUsedAt").isNull()).as("last use recorded").isFalse();
    assertThat(listed.get("createdBy").asString()).isEqualTo("admin");

    assertThat(asAdmin("POST", "/api/tokens", "{\"name\":\"ci\",\"role\":\"admin\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}")
        .body()).contains("expiresAt must be in the future");
    assertThat(asAdmin("POST", "/api/tokens", "{\"name\":\"ci\",\"role\":\"admin\",\"expiresAt\":\"2999-01-01T00:00:00Z\"}")
        .body()).contains("max-lifetime");

    assertThat(asAdmin("DELETE", "/api/tokens/" + id, null).statusCode()).isEqualTo(200);
    HttpResponse<String> revoked = send(bearer(HttpRequest.newBuilder(uri("/api/me")), secret));
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(revoked.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
    assertThat(revoked.body()).contains("\"status\":401");

    JsonNode entries = audit("action=token.*&target=" + "token%20" + id + "%20(grafana)").get("items");
    assertThat(entries).extracting(e -> e.get("action").asString()).containsExactly("token.revoke", "token.create");
    assertThat(entries.get(0).get("before").get("revokedAt").isNull()).isTrue();
    assertThat(entries.get(0).get("after").get("revokedAt").isNull()).isFalse();
    assertThat(entries.toString()).doesNotContain(secret);
    assertThat(audit("action=login.failed&target=api%20token").get("total").asLong()).isPositive();
  }

  @Test
  void runNowAndRuleReloadAreAudited() {
    assertThat(asAdmin("POST", "/api/connectors/inventory/run", null).statusCode()).isEqualTo(202);
    assertThat(asAdmin("POST", "/api/rules/reload", null).statusCode()).isEqualTo(200);
    JsonNode run = audit("action=connector.run&target=inventory").get("items").get(0);
    assertThat(run.get("actor").asString()).isEqualTo("admin");
    JsonNode reload = audit("action=rules.reload").get("items").get(0);
    assertThat(reload.get("before").has("test-pack")).isTrue();
    assertThat(reload.get("after").get("rejected")).isEmpty();
    assertThat(audit("from=2999-01-01T00:00:00Z").get("total").asLong()).isZero();
    assertThat(asAdmin("GET", "/api/audit?limit=0", null).statusCode()).isEqualTo(400);
  }

  @Test
  void oidcLoginMapsTheGroupsClaimToARoleAndTheSessionNeedsCsrfTokens() {
    // 1. The browser is sent to the identity provider with state and nonce.
    HttpResponse<String> start = send(HttpRequest.newBuilder(uri("/oauth2/authorization/test-idp")));
    assertThat(start.statusCode()).isEqualTo(302);
    String location = start.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("http://127.0.0.1:" + IDP.port() + "/authorize?").contains("response_type=code");
    Map<String, String> query = query(location);
    String cookie = sessionCookie(start);

    // 2. The provider issues an ID token for this nonce; the service redeems the code for it.
    String idToken = sign(new JWTClaimsSet.Builder().issuer(ISSUER).subject("sub-olivia").audience("aims-monitor")
        .claim("preferred_username", "olivia").claim("groups", List.of("everyone", "aims-reviewers"))
        .claim("nonce", query.get("nonce")).issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    IDP.stubFor(post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody("{\"access_token\":\"opaque-access-token\",\"token_type\":\"Bearer\",\"expires_in\":300,"
            + "\"scope\":\"openid profile\",\"id_token\":\"" + idToken + "\"}")));
    HttpResponse<String> callback = send(HttpRequest.newBuilder(uri("/login/oauth2/code/test-idp?code=the-code&state="
        + query.get("state"))).header("Cookie", cookie));
    assertThat(callback.statusCode()).as(callback.headers().map().toString()).isEqualTo(302);
    assertThat(callback.headers().firstValue("Location").orElse("")).doesNotContain("error");
    String sessionCookie = sessionCookie(callback);
    assertThat(callback.headers().allValues("Set-Cookie").get(0)).contains("Secure").contains("HttpOnly");

    // 3. The session belongs to olivia, a reviewer; its changes need the CSRF token.
    Session session = session(sessionCookie);
    JsonNode me = json(send(session.apply(HttpRequest.newBuilder(uri("/api/me")), false)));
    assertThat(me.get("name").asString()).isEqualTo("olivia");
    assertThat(me.get("role").asString()).isEqualTo("reviewer");
    assertThat(send(session.apply(request("POST", "/api/rules/reload", null), true)).statusCode())
        .as("a reviewer may not reload rules").isEqualTo(403);
    HttpResponse<String> withoutCsrf = send(session.apply(request("POST", "/api/rules/reload", null), false));
    assertThat(withoutCsrf.statusCode()).isEqualTo(403);
    assertThat(withoutCsrf.body()).contains("CSRF");
  }

  @Test
  void unauthenticatedBrowsersAreSentToTheLoginPageAndApiClientsGetProblemDetails() {
    HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/")).header("Accept", "text/html"));
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/login");
    HttpResponse<String> api = send(HttpRequest.newBuilder(uri("/api/findings")).header("Accept", "text/html"));
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(api.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(api.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(send(HttpRequest.newBuilder(uri("/login"))).body()).contains("test-idp");
  }

  private static Map<String, String> query(String url) {
    Map<String, String> params = new java.util.HashMap<>();
    Matcher m = Pattern.compile("[?&]([^=&]+)=([^&]*)").matcher(url);
    while (m.find()) {
      params.put(m.group(1), URLDecoder.decode(m.group(2), StandardCharsets.UTF_8));
    }
    return params;
  }
}
