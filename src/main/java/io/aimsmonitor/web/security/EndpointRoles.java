package io.aimsmonitor.web.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * THE table of which role each endpoint needs: the only place access is decided. The first
 * matching row wins; a request no row matches is refused. {@code EndpointAccessTest} walks every
 * endpoint Spring has mapped and fails the build for one that no row declares, so an endpoint
 * added later must be added here.
 *
 * <p>Conventions (shared by every branch): every {@code GET /api/**} needs viewer; workflow and
 * waiver actions (POST/PUT/PATCH/DELETE under {@code /api/findings/**}, {@code /api/waivers/**})
 * need reviewer; connectors' run-now, rule reload, users, tokens, audit and notification settings
 * need admin.
 */
public final class EndpointRoles {

  /** What a row requires. */
  public enum Access {
    /** Anyone, without credentials. */
    PUBLIC,
    /** Anyone with {@code aims.security.metrics.access=open}; else the scrape token or any role. */
    METRICS,
    /**
     * Passed through by the filter chain without authentication (no session, no CSRF, no bearer
     * token parsing): the endpoint checks its own key.
     */
    OWN_KEY,
    VIEWER,
    REVIEWER,
    ADMIN;

    /** The role a row needs, if it needs one. */
    public Optional<Role> role() {
      return switch (this) {
        case VIEWER -> Optional.of(Role.VIEWER);
        case REVIEWER -> Optional.of(Role.REVIEWER);
        case ADMIN -> Optional.of(Role.ADMIN);
        default -> Optional.empty();
      };
    }
  }

  /**
   * One row: these methods (empty: any) on paths matching these patterns need {@code access}.
   * Patterns are Spring's {@link PathPattern}s ({@code *} one segment, {@code **} the rest), parsed
   * once. A pattern matches the decoded path, so {@code /api/%75sers} is {@code /api/users}.
   */
  public record Rule(Set<HttpMethod> methods, List<PathPattern> patterns, Access access, String why) {
    boolean matches(HttpMethod method, PathContainer path) {
      if (!methods.isEmpty() && !methods.contains(method)) {
        return false;
      }
      // a loop, not a stream: asked for every row on every request (issue #14's findings API load)
      for (PathPattern pattern : patterns) {
        if (pattern.matches(path)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Where a browser that loads a page its role does not allow is forwarded, so that it gets a page in
   * the UI's layout naming the role needed instead of a problem document ({@code web.ui.AccessDeniedPage}).
   */
  public static final String ACCESS_DENIED_PAGE = "/access-denied";

  /** Request attribute of that forward: the {@link Role} the refused page needs (absent: no role allows it). */
  public static final String NEEDED_ROLE_ATTRIBUTE = "aims.access-denied.needed-role";

  private static final Set<HttpMethod> ANY = Set.of();
  private static final Set<HttpMethod> GET = Set.of(HttpMethod.GET, HttpMethod.HEAD);
  private static final Set<HttpMethod> CHANGES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
      HttpMethod.DELETE);

  public static final List<Rule> RULES = List.of(
      // probes and metrics
      rule(GET, List.of("/actuator/health", "/actuator/health/**"), Access.PUBLIC,
          "Kubernetes probes carry no credentials"),
      rule(GET, List.of("/actuator/prometheus"), Access.METRICS,
          "open or token-protected by aims.security.metrics.access"),
      // login and logout pages of Spring Security (form login and OIDC)
      rule(ANY, List.of("/login", "/logout", "/login/oauth2/**", "/oauth2/**", "/default-ui.css"), Access.PUBLIC,
          "the way in; the login form and logout are still protected by CSRF"),
      rule(ANY, List.of("/error"), Access.PUBLIC, "the error page of a request already decided"),
      rule(ANY, List.of(ACCESS_DENIED_PAGE), Access.PUBLIC,
          "the web UI's page saying which role a refused page needs; it shows no data"),
      // the web UI (web.ui, docs/ui.md): pages at the root. Its CSS and scripts are open so that
      // the sign-in page is styled; they hold no data.
      rule(GET, List.of("/ui/**", "/webjars/**", "/favicon.ico"), Access.PUBLIC,
          "the web UI's stylesheet, scripts and icon: static files without data"),
      rule(ANY, List.of("/audit", "/audit/**", "/tokens", "/tokens/**"), Access.ADMIN,
          "web UI: the audit log and API tokens"),
      rule(CHANGES, List.of("/connectors/**", "/rule-packs/**"), Access.ADMIN,
          "web UI: run a connector now, confirm a held run, reload rule packs"),
      rule(CHANGES, List.of("/findings/**", "/waivers/**", "/ai-systems/**", "/controls/**"), Access.REVIEWER,
          "web UI: workflow actions and waivers"),
      rule(GET, List.of("/", "/findings", "/findings/**", "/ai-systems", "/ai-systems/**", "/controls", "/controls/**",
          "/connectors", "/connectors/**", "/rule-packs", "/rule-packs/**"), Access.VIEWER, "web UI pages"),
      // OpenLineage ingestion (catalogs branch): authenticated by its own API key, in the endpoint
      rule(Set.of(HttpMethod.POST), List.of("/api/v1/lineage"), Access.OWN_KEY,
          "OpenLineage producers send their own API key, which the endpoint checks"),
      // admin
      rule(Set.of(HttpMethod.POST), List.of("/api/connectors/*/run"), Access.ADMIN, "collect now"),
      rule(Set.of(HttpMethod.POST), List.of("/api/connectors/*/runs/*/confirm"), Access.ADMIN,
          "apply a run held for a sharp drop in facts"),
      rule(Set.of(HttpMethod.POST), List.of("/api/rules/reload"), Access.ADMIN, "reload rule packs"),
      rule(ANY, List.of("/api/users", "/api/users/**"), Access.ADMIN, "local users"),
      rule(ANY, List.of("/api/tokens", "/api/tokens/**"), Access.ADMIN, "API tokens"),
      rule(ANY, List.of("/api/audit", "/api/audit/**"), Access.ADMIN, "the audit log"),
      rule(ANY, List.of("/api/notifications", "/api/notifications/**"), Access.ADMIN, "notification settings"),
      // reviewer
      rule(CHANGES, List.of("/api/findings/**", "/api/waivers/**"), Access.REVIEWER,
          "workflow actions and waivers"),
      // viewer
      rule(Set.of(HttpMethod.POST), List.of("/api/evaluations/*/replay"), Access.REVIEWER,
          "replays a recorded evaluation: changes nothing, but costs an evaluation's CPU, and no POST is a viewer's;"
              + " one replay at a time"),
      rule(GET, List.of("/api/integrity/**"), Access.VIEWER, "hash-chain verification: ids and hashes, no content"),
      rule(GET, List.of("/api/oscal/**"), Access.VIEWER, "OSCAL catalog, assessment results and POA&M"),
      rule(GET, List.of("/api/rules/shadow", "/api/rules/shadow/**"), Access.VIEWER,
          "shadow rule packs: what they would find now and over the stored history (backtest)"),
      rule(GET, List.of("/api/evidence-pack", "/api/evidence-pack/**"), Access.VIEWER,
          "the auditor's evidence pack (zip) of a period"),
      rule(GET, List.of("/api/reports/**"), Access.VIEWER, "period reports: time out of compliance, remediation"),
      rule(GET, List.of("/api/findings/export"), Access.VIEWER, "findings exports (CSV, JSON, SARIF, OCSF, JUnit)"),
      rule(GET, List.of("/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html",
          "/swagger-ui/**"), Access.VIEWER,
          "the OpenAPI description and its browsable page"),
      rule(GET, List.of("/api/**"), Access.VIEWER, "reading"));

  private EndpointRoles() {}

  private static Rule rule(Set<HttpMethod> methods, List<String> patterns, Access access, String why) {
    return new Rule(methods, patterns.stream().map(PathPatternParser.defaultInstance::parse).toList(), access, why);
  }

  /** The first row matching a request, or empty when no row declares it (it is then refused). */
  public static Optional<Rule> ruleFor(HttpMethod method, String path) {
    PathContainer container = PathContainer.parsePath(path);
    for (Rule rule : RULES) {
      if (rule.matches(method, container)) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  /** Request attribute: the row {@link #ruleFor(HttpServletRequest)} found, with the method and path it was found for. */
  private static final String DECIDED_ATTRIBUTE = EndpointRoles.class.getName() + ".rule";

  private record Decided(String method, String path, Optional<Rule> rule) {}

  /**
   * The first row matching a request, looked up once per request: the bearer-token resolver, the
   * authorization filter and the problem responses all ask, and an API read matches its path against
   * every row before the last ({@code GET /api/**}). The answer is kept with the method and path it
   * was found for and reused only for the same ones, so a forward or error dispatch of the request
   * (another path) is decided afresh, never by the original path's row.
   */
  public static Optional<Rule> ruleFor(HttpServletRequest request) {
    String method = request.getMethod();
    String path = EndpointAccessManager.path(request);
    if (request.getAttribute(DECIDED_ATTRIBUTE) instanceof Decided d && d.method().equals(method)
        && d.path().equals(path)) {
      return d.rule();
    }
    Optional<Rule> rule = ruleFor(HttpMethod.valueOf(method), path);
    request.setAttribute(DECIDED_ATTRIBUTE, new Decided(method, path, rule));
    return rule;
  }
}
