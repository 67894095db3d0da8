package io.aimsmonitor.web.security;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code aims.security.*} (docs/security.md). OIDC client registrations and the
 * JWT issuer use Spring Boot's own keys ({@code spring.security.oauth2.client.*},
 * {@code spring.security.oauth2.resourceserver.jwt.*}); these settings say how their claims
 * become roles.
 *
 * @param adminPassword the first admin's password, used once, when no local user exists yet
 *     (environment: {@code AIMS_SECURITY_ADMIN_PASSWORD}); unset: one is generated and printed once
 * @param localUsers whether local users may log in (form login and HTTP Basic on the API); with
 *     OIDC in production this can be turned off
 */
@ConfigurationProperties("aims.security")
public record SecurityProperties(
    String adminPassword,
    @DefaultValue("true") boolean localUsers,
    @DefaultValue Metrics metrics,
    @DefaultValue Oidc oidc,
    @DefaultValue Tokens tokens) {

  /** Who may read {@code /actuator/prometheus}. */
  public enum MetricsAccess { OPEN, TOKEN }

  /**
   * @param access {@code open} (anyone who can reach the port) or {@code token}: a bearer token,
   *     either {@code token} below or an API token or JWT of any role
   * @param token the scrape token Prometheus sends (environment: {@code AIMS_SECURITY_METRICS_TOKEN})
   */
  public record Metrics(@DefaultValue("open") MetricsAccess access, String token) {
    public Metrics {
      if (access == MetricsAccess.TOKEN && token != null && token.length() < 16) {
        throw new IllegalArgumentException("aims.security.metrics.token must have at least 16 characters");
      }
    }
  }

  /**
   * @param rolesClaim the claim of an ID token or JWT access token that lists the user's groups or roles
   * @param usernameClaim the claim that names the user (falls back to {@code sub})
   * @param roleMapping claim value to role, e.g. {@code aims-admins: admin}; a value that is itself
   *     a role name ({@code viewer}, {@code reviewer}, {@code admin}) maps to that role
   */
  public record Oidc(@DefaultValue("groups") String rolesClaim, @DefaultValue("preferred_username") String usernameClaim,
      Map<String, String> roleMapping) {
    public Oidc {
      roleMapping = roleMapping == null ? Map.of() : Map.copyOf(roleMapping);
      roleMapping.forEach((group, role) -> Role.find(role).orElseThrow(() -> new IllegalArgumentException(
          "aims.security.oidc.role-mapping." + group + ": role must be viewer, reviewer or admin, got '" + role + "'")));
    }
  }

  /**
   * @param defaultLifetime expiry of a new API token when the request names none
   * @param maxLifetime the longest expiry an admin may give a token
   * @param cacheFor how long a replica trusts a successful token check without reading the token
   *     again: a revocation takes effect at once on the replica that made it and within this time on
   *     the others; {@code 0s}: every call reads the token
   */
  public record Tokens(@DefaultValue("90d") Duration defaultLifetime, @DefaultValue("365d") Duration maxLifetime,
      @DefaultValue("10s") Duration cacheFor) {
    public Tokens {
      if (cacheFor.isNegative() || cacheFor.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("aims.security.tokens.cache-for must be from 0s to 5m, got " + cacheFor);
      }
    }
  }
}
