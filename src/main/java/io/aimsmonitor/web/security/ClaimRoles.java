package io.aimsmonitor.web.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the groups or roles claim of an OIDC ID token or a JWT access token to one of our roles:
 * {@code aims.security.oidc.role-mapping} first, then values that are role names themselves. A
 * user in several groups gets the highest role; a user in none gets no role (and is refused
 * everything but the login pages).
 */
public final class ClaimRoles {

  private final SecurityProperties.Oidc settings;

  public ClaimRoles(SecurityProperties.Oidc settings) {
    this.settings = settings;
  }

  public Optional<Role> roleOf(Map<String, Object> claims) {
    Role best = null;
    for (String value : values(claims)) {
      String mapped = settings.roleMapping().get(value);
      Optional<Role> role = mapped != null ? Role.find(mapped) : Role.find(value);
      if (role.isPresent() && (best == null || role.get().compareTo(best) > 0)) {
        best = role.get();
      }
    }
    return Optional.ofNullable(best);
  }

  /** The user's name: the configured claim, else {@code sub}. */
  public String username(Map<String, Object> claims) {
    Object name = claims.get(settings.usernameClaim());
    return name instanceof String s && !s.isBlank() ? s : String.valueOf(claims.get("sub"));
  }

  /** The claim's values; a dotted name reads nested objects (Keycloak's {@code realm_access.roles}). */
  private List<String> values(Map<String, Object> claims) {
    Object value = claims;
    for (String part : settings.rolesClaim().split("\\.")) {
      value = value instanceof Map<?, ?> map ? map.get(part) : null;
    }
    List<String> values = new ArrayList<>();
    if (value instanceof Collection<?> list) {
      list.forEach(v -> values.add(String.valueOf(v)));
    } else if (value instanceof String s) {
      for (String v : s.split("[,\\s]+")) {
        if (!v.isBlank()) {
          values.add(v);
        }
      }
    }
    return values;
  }
}
