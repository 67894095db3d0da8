package io.aimsmonitor.web.api;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.web.security.ApiTokens;
import io.aimsmonitor.web.security.ApiTokens.TokenView;
import io.aimsmonitor.web.security.Role;
import io.aimsmonitor.web.security.SecurityProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** API tokens for automation (admin): created with a name, a role and an expiry, shown once, revoked. */
@RestController
@RequestMapping("/api/tokens")
public class TokensController {

  private final ApiTokens tokens;
  private final AuditLog audit;
  private final SecurityProperties.Tokens limits;
  private final Clock clock;

  public TokensController(ApiTokens tokens, AuditLog audit, SecurityProperties props, Clock clock) {
    this.tokens = tokens;
    this.audit = audit;
    this.limits = props.tokens();
    this.clock = clock;
  }

  /** {@code expiresAt} is optional: default {@code aims.security.tokens.default-lifetime} from now. */
  public record NewToken(String name, String role, Instant expiresAt) {}

  @GetMapping
  public List<TokenView> list() {
    return tokens.list();
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> create(@RequestBody NewToken request) {
    Instant now = clock.instant();
    Instant expiresAt = request.expiresAt() != null ? request.expiresAt() : now.plus(limits.defaultLifetime());
    if (!expiresAt.isAfter(now)) {
      throw new IllegalArgumentException("expiresAt must be in the future, got " + expiresAt);
    }
    if (expiresAt.isAfter(now.plus(limits.maxLifetime()))) {
      throw new IllegalArgumentException("expiresAt must be within aims.security.tokens.max-lifetime ("
          + limits.maxLifetime().toDays() + " days), got " + expiresAt);
    }
    ApiTokens.Created created = tokens.create(request.name(), Role.parse(request.role()), expiresAt,
        AuditLog.currentActor());
    audit.record("token.create", "token " + created.token().id() + " (" + created.token().name() + ")", null,
        created.token());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", created.token());
    body.put("secret", created.secret());
    body.put("note", "the secret is shown only in this response; send it as 'Authorization: Bearer <secret>'");
    return body;
  }

  @DeleteMapping("/{id}")
  public TokenView revoke(@PathVariable long id) {
    TokenView[] change = tokens.revoke(id);
    audit.record("token.revoke", "token " + id + " (" + change[0].name() + ")", change[0], change[1]);
    return change[1];
  }
}
