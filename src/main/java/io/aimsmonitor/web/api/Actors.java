package io.aimsmonitor.web.api;

import java.security.Principal;

/**
 * Who is acting, for the history: the authenticated principal's name. Without authentication
 * configured every request acts as {@value #ANONYMOUS}, which four-eyes mode therefore never
 * lets approve a waiver that {@value #ANONYMOUS} requested.
 */
final class Actors {

  static final String ANONYMOUS = "anonymous";

  private Actors() {}

  static String of(Principal principal) {
    return principal == null || principal.getName() == null || principal.getName().isBlank()
        ? ANONYMOUS : principal.getName();
  }
}
