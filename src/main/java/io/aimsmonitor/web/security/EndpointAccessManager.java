package io.aimsmonitor.web.security;

import io.aimsmonitor.web.security.EndpointRoles.Access;
import io.aimsmonitor.web.security.SecurityProperties.MetricsAccess;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/** Decides every request from {@link EndpointRoles}: the table is the only source of access rules. */
final class EndpointAccessManager implements AuthorizationManager<RequestAuthorizationContext> {

  /** The authority of the configured Prometheus scrape token: metrics only, nothing else. */
  static final String METRICS_AUTHORITY = "METRICS_SCRAPE";

  private final RoleHierarchy roles;
  private final MetricsAccess metricsAccess;
  private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

  EndpointAccessManager(RoleHierarchy roles, MetricsAccess metricsAccess) {
    this.roles = roles;
    this.metricsAccess = metricsAccess;
  }

  @Override
  public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
      RequestAuthorizationContext context) {
    HttpServletRequest request = context.getRequest();
    Optional<EndpointRoles.Rule> rule = EndpointRoles.ruleFor(request);
    if (rule.isEmpty()) {
      return new AuthorizationDecision(false);
    }
    Access access = rule.get().access();
    return new AuthorizationDecision(switch (access) {
      case PUBLIC, OWN_KEY -> true;
      case METRICS -> metricsAccess == MetricsAccess.OPEN || has(authentication.get(), METRICS_AUTHORITY)
          || has(authentication.get(), Role.VIEWER.authority());
      default -> has(authentication.get(), access.role().orElseThrow().authority());
    });
  }

  static String path(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
  }

  private boolean has(Authentication auth, String authority) {
    if (auth == null || !auth.isAuthenticated() || trust.isAnonymous(auth)) {
      return false;
    }
    Collection<? extends GrantedAuthority> reachable = roles.getReachableGrantedAuthorities(auth.getAuthorities());
    return reachable.stream().anyMatch(a -> authority.equals(a.getAuthority()));
  }
}
