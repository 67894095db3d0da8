package io.aimsmonitor.web.security;

import io.aimsmonitor.audit.AuditLog;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Records every failed login (form, HTTP Basic, bearer token, OIDC) in the audit log, with the
 * name that was tried and the client address. A bearer token is never recorded, only its kind.
 */
@Component
class AuthenticationAudit {

  private final AuditLog audit;

  AuthenticationAudit(AuditLog audit) {
    this.audit = audit;
  }

  @EventListener
  void onFailure(AbstractAuthenticationFailureEvent event) {
    Authentication attempt = event.getAuthentication();
    String target;
    String method;
    if (attempt instanceof BearerTokenAuthenticationToken bearer) {
      method = "bearer";
      target = bearer.getToken().startsWith(ApiTokens.PREFIX) ? "api token" : "bearer token";
    } else {
      method = "password";
      target = attempt == null ? null : attempt.getName();
    }
    audit.recordAs(AuditLog.ANONYMOUS, "login.failed", target, null,
        Map.of("method", method, "reason", event.getException().getClass().getSimpleName()));
  }
}
