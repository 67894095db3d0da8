package io.aimsmonitor.web.api;

import io.aimsmonitor.web.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who the caller is and which role they have; for a browser session also the CSRF token that
 * its changes must send in the {@code X-CSRF-TOKEN} header.
 */
@RestController
@RequestMapping("/api/me")
public class MeController {

  @GetMapping
  public Map<String, Object> me(Authentication authentication, HttpServletRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", authentication.getName());
    body.put("role", authentication.getAuthorities().stream().map(a -> Role.ofAuthority(a.getAuthority()))
        .flatMap(java.util.Optional::stream).max(Comparator.naturalOrder()).map(Role::label).orElse(null));
    if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken csrf
        && request.getHeader("Authorization") == null) {
      body.put("csrf", Map.of("header", csrf.getHeaderName(), "parameter", csrf.getParameterName(),
          "token", csrf.getToken()));
    }
    return body;
  }
}
