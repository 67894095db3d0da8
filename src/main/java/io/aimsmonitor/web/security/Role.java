package io.aimsmonitor.web.security;

import java.util.Locale;
import java.util.Optional;

/**
 * The three roles, each including the ones before it: a reviewer can do what a viewer can, an
 * admin what a reviewer can (see {@link SecurityConfiguration#roleHierarchy()}).
 */
public enum Role {
  /** Reads everything. */
  VIEWER,
  /** Workflow actions on findings, waivers. */
  REVIEWER,
  /** Connectors (run now), rule reload, users, tokens, audit log, notification settings. */
  ADMIN;

  /** The Spring Security authority: {@code ROLE_VIEWER}, ... */
  public String authority() {
    return "ROLE_" + name();
  }

  /** The name in the API and in configuration: {@code viewer}, {@code reviewer}, {@code admin}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> find(String label) {
    if (label == null) {
      return Optional.empty();
    }
    for (Role role : values()) {
      if (role.label().equalsIgnoreCase(label.trim())) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  public static Role parse(String label) {
    return find(label).orElseThrow(() -> new IllegalArgumentException(
        "role must be viewer, reviewer or admin, got '" + label + "'"));
  }

  /** The role of an authority name, if it is one of ours. */
  public static Optional<Role> ofAuthority(String authority) {
    return authority != null && authority.startsWith("ROLE_") ? find(authority.substring(5)) : Optional.empty();
  }
}
