package io.aimsmonitor.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.testing.TestAccess;
import io.aimsmonitor.web.security.EndpointRoles.Access;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Every endpoint Spring has mapped (controllers and actuator), called by every kind of caller,
 * answers as {@link EndpointRoles} says: anonymous, viewer, reviewer and admin (API tokens, a
 * local user by HTTP Basic, JWTs from the identity provider), the Prometheus scrape token, a
 * wrong and an expired token, and a browser session with and without its CSRF token. An endpoint
 * the table does not declare fails this test, so endpoints added later are covered as they come.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointAccessTest extends SecuredService {

  private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");

  @Autowired
  List<RequestMappingInfoHandlerMapping> handlerMappings;

  @Autowired
  ApiTokens tokens;

  /** One kind of caller: how it authenticates and what it may do. */
  record Caller(String name, UnaryOperator<HttpRequest.Builder> credentials, Optional<Role> role, Kind kind) {}

  enum Kind { ANONYMOUS, ROLE, SCRAPE_TOKEN, INVALID, SESSION_WITHOUT_CSRF, SESSION_WITH_CSRF }

  private final List<Caller> callers = new ArrayList<>();

  @BeforeAll
  void callers() {
    Instant in1h = Instant.now().plus(1, ChronoUnit.HOURS);
    String viewer = tokens.create("walk-viewer", Role.VIEWER, in1h, "test").secret();
    String reviewer = tokens.create("walk-reviewer", Role.REVIEWER, in1h, "test").secret();
    String admin = tokens.create("walk-admin", Role.ADMIN, in1h, "test").secret();
    String expired = tokens.create("walk-expired", Role.ADMIN, Instant.now().minusSeconds(60), "test").secret();
    Session session = formLogin("admin", TestAccess.ADMIN_PASSWORD);

    callers.add(new Caller("anonymous", r -> r, Optional.empty(), Kind.ANONYMOUS));
    callers.add(new Caller("viewer token", r -> bearer(r, viewer), Optional.of(Role.VIEWER), Kind.ROLE));
    callers.add(new Caller("reviewer token", r -> bearer(r, reviewer), Optional.of(Role.REVIEWER), Kind.ROLE));
    callers.add(new Caller("admin token", r -> bearer(r, admin), Optional.of(Role.ADMIN), Kind.ROLE));
    callers.add(new Caller("admin by HTTP Basic", r -> r.header("Authorization", TestAccess.adminBasic()),
        Optional.of(Role.ADMIN), Kind.ROLE));
    callers.add(new Caller("viewer JWT", r -> bearer(r, jwt("vera", List.of("aims-readers"), in1h)),
        Optional.of(Role.VIEWER), Kind.ROLE));
    callers.add(new Caller("reviewer JWT", r -> bearer(r, jwt("rita", List.of("staff", "aims-reviewers"), in1h)),
        Optional.of(Role.REVIEWER), Kind.ROLE));
    callers.add(new Caller("JWT without a mapped group", r -> bearer(r, jwt("nobody", List.of("staff"), in1h)),
        Optional.empty(), Kind.ROLE));
    callers.add(new Caller("scrape token", r -> bearer(r, SCRAPE_TOKEN), Optional.empty(), Kind.SCRAPE_TOKEN));
    callers.add(new Caller("wrong token", r -> bearer(r, "aims_thisTokenWasNeverIssued0000000000000000"),
        Optional.empty(), Kind.INVALID));
    callers.add(new Caller("expired token", r -> bearer(r, expired), Optional.empty(), Kind.INVALID));
    callers.add(new Caller("expired JWT", r -> bearer(r, jwt("ada", List.of("aims-admins"),
        Instant.now().minus(10, ChronoUnit.MINUTES))), Optional.empty(), Kind.INVALID));
    callers.add(new Caller("JWT signed by another key", r -> bearer(r, jwt("ada", List.of("aims-admins"), in1h)
        .replaceFirst("\\.[^.]+$", ".c2lnbmF0dXJl")), Optional.empty(), Kind.INVALID));
    callers.add(new Caller("admin session without CSRF token", r -> session.apply(r, false), Optional.of(Role.ADMIN),
        Kind.SESSION_WITHOUT_CSRF));
    callers.add(new Caller("admin session with CSRF token", r -> session.apply(r, true), Optional.of(Role.ADMIN),
        Kind.SESSION_WITH_CSRF));
  }

  /** A mapped endpoint: one method on one path pattern. */
  record Endpoint(String method, String pattern) {
    /** A concrete path: every variable becomes {@code x}. */
    String path() {
      return pattern.replaceAll("\\{\\*[^}]+}", "x").replaceAll("\\{[^}]+}", "x").replace("/**", "/x");
    }
  }

  private List<Endpoint> endpoints() {
    Set<String> seen = new TreeSet<>();
    List<Endpoint> endpoints = new ArrayList<>();
    for (RequestMappingInfoHandlerMapping mapping : handlerMappings) {
      for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
        Set<String> methods = new TreeSet<>();
        info.getMethodsCondition().getMethods().forEach(m -> methods.add(m.name()));
        if (methods.isEmpty()) {
          methods.addAll(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
        }
        for (String pattern : info.getPatternValues()) {
          if (pattern.equals("/error") || pattern.equals(EndpointRoles.ACCESS_DENIED_PAGE)) {
            continue; // the error and access-denied pages render requests already decided, they are no endpoints
          }
          for (String method : methods) {
            if (seen.add(method + " " + pattern)) {
              endpoints.add(new Endpoint(method, pattern));
            }
          }
        }
      }
    }
    return endpoints;
  }

  @Test
  void everyMappedEndpointIsDeclaredInTheTable() {
    List<String> undeclared = endpoints().stream()
        .filter(e -> EndpointRoles.ruleFor(HttpMethod.valueOf(e.method()), e.path()).isEmpty())
        .map(e -> e.method() + " " + e.pattern()).toList();
    assertThat(undeclared).as("endpoints without a row in EndpointRoles.RULES: add them there").isEmpty();
    assertThat(endpoints()).extracting(Endpoint::pattern)
        .contains("/api/findings", "/api/connectors/{id}/run", "/api/users", "/api/tokens", "/api/audit");
  }

  @Test
  void noMappedEndpointLetsAViewerChangeAnythingOrAnswersWithoutCredentials() {
    for (Endpoint e : endpoints()) {
      Access access = EndpointRoles.ruleFor(HttpMethod.valueOf(e.method()), e.path()).map(EndpointRoles.Rule::access)
          .orElse(null);
      if (access == null || access == Access.OWN_KEY) {
        continue;
      }
      if (CHANGES.contains(e.method())) {
        assertThat(access).as("%s %s", e.method(), e.pattern()).isIn(Access.REVIEWER, Access.ADMIN);
      }
      if (access == Access.PUBLIC) {
        assertThat(e.pattern()).as("open without credentials").matches("/actuator/health.*|/login");
      }
    }
  }

  @Test
  void onlyHealthAndPrometheusAreExposedUnderActuator() {
    assertThat(endpoints().stream().map(Endpoint::pattern).filter(p -> p.startsWith("/actuator")).distinct())
        .allMatch(p -> p.startsWith("/actuator/health") || p.equals("/actuator/prometheus"))
        .contains("/actuator/health", "/actuator/prometheus");
    HttpResponse<String> env = send(HttpRequest.newBuilder(uri("/actuator/env"))
        .header("Authorization", TestAccess.adminBasic()));
    assertThat(env.statusCode()).as("/actuator/env as admin").isIn(403, 404);
  }

  @Test
  void everyEndpointAnswersEveryCallerAsTheTableSays() {
    List<String> wrong = new ArrayList<>();
    int calls = 0;
    for (Endpoint endpoint : endpoints()) {
      Access access = EndpointRoles.ruleFor(HttpMethod.valueOf(endpoint.method()), endpoint.path())
          .map(EndpointRoles.Rule::access).orElse(null);
      if (access == null) {
        continue; // reported by everyMappedEndpointIsDeclaredInTheTable
      }
      for (Caller caller : callers) {
        int expected = expected(access, endpoint.method(), caller);
        String body = CHANGES.contains(endpoint.method()) && !endpoint.method().equals("DELETE") ? "{}" : null;
        HttpResponse<String> response = send(caller.credentials().apply(request(endpoint.method(), endpoint.path(), body)));
        calls++;
        int status = response.statusCode();
        boolean ok = access == Access.OWN_KEY
            // the filter lets it through; the endpoint refuses every caller here, none has its key
            ? status == 401 && response.body().contains("openlineage")
            : expected == 0 ? status != 401 && status != 403 && !toLogin(response) : status == expected;
        if (!ok) {
          wrong.add("%s %s as %s: expected %s, got %d %s".formatted(endpoint.method(), endpoint.path(), caller.name(),
              expected == 0 ? "access" : expected, status, response.body()));
        }
        if (status == 401 || status == 403) {
          assertThat(response.headers().firstValue("Content-Type")).as("%s %s as %s", endpoint.method(),
              endpoint.path(), caller.name()).hasValue("application/problem+json");
        }
      }
    }
    assertThat(wrong).as("answers that differ from EndpointRoles").isEmpty();
    assertThat(calls).isGreaterThan(100);
  }

  /** A redirect to the login page (a redirect elsewhere, /swagger-ui.html to its index page, lets through). */
  private static boolean toLogin(HttpResponse<String> response) {
    return response.statusCode() == 302
        && response.headers().firstValue("Location").map(l -> l.contains("/login")).orElse(true);
  }

  /** 0 for "let through" (any status but 401, 403 or a redirect to the login), else the status. */
  private static int expected(Access access, String method, Caller caller) {
    if (access == Access.OWN_KEY) {
      return 0;
    }
    boolean change = CHANGES.contains(method);
    switch (caller.kind()) {
      case INVALID:
        return 401; // a credential that is sent must be valid, wherever it is sent
      case SESSION_WITHOUT_CSRF:
        if (change) {
          return 403;
        }
        break;
      default:
        break;
    }
    boolean authenticated = caller.kind() != Kind.ANONYMOUS;
    return switch (access) {
      case PUBLIC -> 0;
      case METRICS -> caller.kind() == Kind.SCRAPE_TOKEN || caller.role().isPresent() ? 0
          : authenticated ? 403 : 401;
      default -> {
        if (!authenticated) {
          yield 401;
        }
        Role needed = access.role().orElseThrow();
        yield caller.role().filter(r -> r.compareTo(needed) >= 0).isPresent() ? 0 : 403;
      }
    };
  }
}
