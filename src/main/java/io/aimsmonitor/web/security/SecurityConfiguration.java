package io.aimsmonitor.web.security;

import io.aimsmonitor.web.security.EndpointRoles.Access;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.DefaultAuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.oauth2.core.user.OAuth2UserAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The filter chain of the service: who may call what is decided only by {@link EndpointRoles}.
 *
 * <ul>
 *   <li>Browsers: form login with local users, and OIDC login (authorization code) when a client
 *       registration is configured; sessions with CSRF protection and secure cookies.
 *   <li>API clients: API tokens and JWT access tokens as {@code Authorization: Bearer}, and local
 *       users by HTTP Basic (never challenged, see {@link ProblemResponses}); no session, no CSRF.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SecurityConfiguration {

  /** admin includes reviewer includes viewer. */
  @Bean
  static RoleHierarchy roleHierarchy() {
    return RoleHierarchyImpl.withDefaultRolePrefix()
        .role(Role.ADMIN.name()).implies(Role.REVIEWER.name())
        .role(Role.REVIEWER.name()).implies(Role.VIEWER.name())
        .build();
  }

  /**
   * No Spring Security observations: their per-filter series are camelCase without help text, which
   * promtool rejects, and access decisions are in the audit log instead. Switched off here rather than
   * by {@code management.observations.enable}, which only drops the observations: Spring Security
   * would still wrap every filter of the chain, the authentication manager and the authorization
   * manager in an observing decorator, a cost on every request (issue #14's findings API load).
   */
  @Bean
  static SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  /** Publishes every failed authentication, so that {@link AuthenticationAudit} records it. */
  @Bean
  AuthenticationEventPublisher authenticationEventPublisher(ApplicationEventPublisher publisher) {
    DefaultAuthenticationEventPublisher events = new DefaultAuthenticationEventPublisher(publisher);
    events.setDefaultAuthenticationFailureEvent(AuthenticationFailureBadCredentialsEvent.class);
    return events;
  }

  @Bean
  ClaimRoles claimRoles(SecurityProperties props) {
    return new ClaimRoles(props.oidc());
  }

  @Bean
  SecurityFilterChain securityFilterChain(HttpSecurity http, SecurityProperties props, RoleHierarchy roles,
      ApiTokens tokens, ClaimRoles claimRoles, AuthenticationEventPublisher events,
      ObjectProvider<JwtDecoder> jwtDecoder, ObjectProvider<ClientRegistrationRepository> oidcClients)
      throws Exception {
    ProblemResponses problems = new ProblemResponses();
    JwtDecoder jwt = jwtDecoder.getIfAvailable();

    List<AuthenticationProvider> bearerProviders = new ArrayList<>();
    bearerProviders.add(new BearerAuthentication(tokens, props.metrics().token(), jwt != null));
    if (jwt != null) {
      JwtAuthenticationProvider jwtProvider = new JwtAuthenticationProvider(jwt);
      jwtProvider.setJwtAuthenticationConverter(token -> new JwtAuthenticationToken(token,
          claimRoles.roleOf(token.getClaims()).map(r -> List.<GrantedAuthority>of(new SimpleGrantedAuthority(r.authority())))
              .orElse(List.of()),
          claimRoles.username(token.getClaims())));
      bearerProviders.add(jwtProvider);
    }
    ProviderManager bearerManager = new ProviderManager(bearerProviders);
    bearerManager.setAuthenticationEventPublisher(events);

    RequestMatcher ownKey = EndpointAccessTable.matcherFor(Access.OWN_KEY);
    RequestMatcher withAuthorizationHeader = request -> request.getHeader(HttpHeaders.AUTHORIZATION) != null;

    http
        .authorizeHttpRequests(authorize -> authorize
            .anyRequest().access(new EndpointAccessManager(roles, props.metrics().access())))
        .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SecurityConfiguration::needsCsrfToken)
            .ignoringRequestMatchers(ownKey, withAuthorizationHeader))
        // Sessions as Spring Security makes them by default (if required): the login filters keep a
        // browser's sign-in in its session, and a bearer token or HTTP Basic authenticates its request
        // only. WHY no sessionCreationPolicy here: setting it, even to the default, adds the
        // SessionManagementFilter, which saved every request authenticated in the request into a new
        // session: each API call without a cookie made a session (kept 30 minutes) and sent a
        // Set-Cookie, one per request under the findings API's load (issue #14).
        // Problem details for everything but a browser loading a page, which the login configurers
        // below send to the login page (a global entry point would switch their login page off).
        .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(problems,
                request -> !ProblemResponses.isBrowserNavigation(request))
            .accessDeniedHandler(problems))
        .oauth2ResourceServer(resourceServer -> resourceServer
            .bearerTokenResolver(bearerTokens(ownKey))
            .authenticationManagerResolver(request -> bearerManager)
            .authenticationEntryPoint(problems)
            .accessDeniedHandler(problems))
        .logout(logout -> logout.logoutSuccessUrl("/login?logout"));
    if (props.localUsers()) {
      // The sign-in page is the web UI's own (web.ui.LoginController); Spring Security still
      // handles POST /login.
      http.formLogin(form -> form.loginPage("/login").permitAll())
          .httpBasic(basic -> basic.authenticationEntryPoint(problems));
    }
    if (oidcClients.getIfAvailable() != null) {
      http.oauth2Login(oidc -> oidc.loginPage("/login").userInfoEndpoint(userInfo -> userInfo.userAuthoritiesMapper(
          oidcAuthorities(claimRoles))));
    }
    return http.build();
  }

  /**
   * A change in a browser session needs the session's CSRF token, and so does the login form
   * (against login CSRF). A request without a session has no ambient authority to abuse: it is
   * answered 401, not 403.
   */
  private static boolean needsCsrfToken(HttpServletRequest request) {
    String method = request.getMethod();
    boolean change = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("TRACE"));
    return change && (request.getRequestedSessionId() != null || EndpointAccessManager.path(request).equals("/login"));
  }

  /** Bearer tokens from the Authorization header only, and never on endpoints that check their own key. */
  private static BearerTokenResolver bearerTokens(RequestMatcher ownKey) {
    DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
    return request -> ownKey.matches(request) ? null : header.resolve(request);
  }

  /** OIDC login: the role from the ID token's (or user info's) roles claim, and nothing else. */
  private static GrantedAuthoritiesMapper oidcAuthorities(ClaimRoles claimRoles) {
    return authorities -> {
      Set<GrantedAuthority> mapped = new HashSet<>();
      for (GrantedAuthority authority : authorities) {
        Map<String, Object> claims = authority instanceof OidcUserAuthority oidc
            ? (oidc.getUserInfo() != null ? merge(oidc.getIdToken().getClaims(), oidc.getUserInfo().getClaims())
                : oidc.getIdToken().getClaims())
            : authority instanceof OAuth2UserAuthority oauth ? oauth.getAttributes() : null;
        if (claims != null) {
          claimRoles.roleOf(claims).ifPresent(r -> mapped.add(new SimpleGrantedAuthority(r.authority())));
        }
      }
      return mapped;
    };
  }

  private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Object> merged = new java.util.HashMap<>(a);
    merged.putAll(b);
    return merged;
  }

  /** Request matchers for the rows of {@link EndpointRoles} with a given access. */
  static final class EndpointAccessTable {
    private EndpointAccessTable() {}

    static RequestMatcher matcherFor(Access access) {
      return (HttpServletRequest request) -> EndpointRoles.ruleFor(request).map(r -> r.access() == access).orElse(false);
    }
  }
}
