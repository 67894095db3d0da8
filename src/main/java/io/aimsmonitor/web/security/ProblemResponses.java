package io.aimsmonitor.web.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as RFC 9457 problem details for API clients. (A browser navigating to a page is
 * sent to the login page by the login configurers instead, see {@link #isBrowserNavigation}, and
 * one refused a page is forwarded to {@link EndpointRoles#ACCESS_DENIED_PAGE}.)
 *
 * <p>A 401 challenges with {@code Bearer} only, never {@code Basic}: a browser that never saw a
 * Basic challenge never caches Basic credentials, so another site cannot make it send them (which
 * is why requests with an Authorization header need no CSRF token).
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    boolean presentedCredentials = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, presentedCredentials
        ? "Bearer error=\"invalid_token\", error_description=\"the credentials are invalid, expired or revoked\""
        : "Bearer");
    write(request, response, HttpStatus.UNAUTHORIZED, presentedCredentials
        ? "the credentials sent are invalid, expired or revoked"
        : "authentication required: log in, or send an API token or JWT as 'Authorization: Bearer ...'");
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException, ServletException {
    if (!(denied instanceof CsrfException) && isBrowserNavigation(request) && request.getHeader("HX-Request") == null
        && !response.isCommitted()) {
      // A person in the web UI: a page in the layout naming the role needed (as Spring's
      // AccessDeniedHandlerImpl forwards to its error page), not JSON. htmx requests keep the problem.
      EndpointRoles.ruleFor(request)
          .flatMap(rule -> rule.access().role())
          .ifPresent(role -> request.setAttribute(EndpointRoles.NEEDED_ROLE_ATTRIBUTE, role));
      response.setStatus(HttpStatus.FORBIDDEN.value());
      request.getRequestDispatcher(EndpointRoles.ACCESS_DENIED_PAGE).forward(request, response);
      return;
    }
    String detail = denied instanceof CsrfException
        ? "missing or invalid CSRF token: a browser session must send the token in the X-CSRF-TOKEN header"
            + " (GET /api/me returns it)"
        : "your role does not allow " + request.getMethod() + " " + EndpointAccessManager.path(request);
    write(request, response, HttpStatus.FORBIDDEN, detail);
  }

  /**
   * A browser loading a page (not {@code /api} or {@code /actuator}, accepting HTML, without an
   * Authorization header): the login page is the answer to it, not a problem document.
   */
  static boolean isBrowserNavigation(HttpServletRequest request) {
    String path = EndpointAccessManager.path(request);
    if (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/actuator")) {
      return false;
    }
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return request.getHeader(HttpHeaders.AUTHORIZATION) == null && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE);
  }

  private static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", status.getReasonPhrase());
    problem.put("status", status.value());
    problem.put("detail", detail);
    problem.put("instance", EndpointAccessManager.path(request));
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(JSON.writeValueAsBytes(problem));
  }
}
