package io.aimsmonitor.web.api;

import io.aimsmonitor.review.ReviewService;
import java.security.Principal;

/**
 * Who is acting, for the history: the authenticated principal's name. Without authentication
 * configured every request acts as {@value #ANONYMOUS}, which four-eyes mode never lets approve a
 * waiver.
 */
final class Actors {

  static final String ANONYMOUS = ReviewService.ANONYMOUS;

  private Actors() {}

  static String of(Principal principal) {
    return principal == null || principal.getName() == null || principal.getName().isBlank()
        ? ANONYMOUS : principal.getName();
  }
}
