package io.aimsmonitor.web.ui;

import io.aimsmonitor.web.security.Role;
import java.util.Comparator;
import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * Who is looking at a page, and what their role lets the page offer. Pages show an action only
 * when {@link #reviewer()} or {@link #admin()} says so; the endpoint behind it is still guarded by
 * {@code EndpointRoles}, so hiding a button is a courtesy, never the protection.
 *
 * @param role the caller's highest role; null when authenticated without one of ours
 */
public record UiUser(String name, Role role) {

  /** Who is signed in on this request (the security context's authentication). */
  static UiUser current() {
    return of(org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication());
  }

  static UiUser of(Authentication authentication) {
    if (authentication == null || !authentication.isAuthenticated()) {
      return new UiUser(null, null);
    }
    Role role = authentication.getAuthorities().stream().map(a -> Role.ofAuthority(a.getAuthority()))
        .flatMap(Optional::stream).max(Comparator.naturalOrder()).orElse(null);
    return new UiUser(authentication.getName(), role);
  }

  /** Signed in (not the anonymous user of the sign-in page). */
  public boolean signedIn() {
    return name != null && role != null;
  }

  /** May act on findings and waivers. */
  public boolean reviewer() {
    return role != null && role.compareTo(Role.REVIEWER) >= 0;
  }

  /** May run connectors, see the audit log and manage tokens. */
  public boolean admin() {
    return role == Role.ADMIN;
  }

  /** viewer, reviewer or admin. */
  public String roleLabel() {
    return role == null ? "" : role.label();
  }
}
