package io.aimsmonitor.web.ui;

import io.aimsmonitor.web.security.SecurityProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in page of our own (styled like the rest of the UI, labelled for screen readers). The
 * form posts to Spring Security's {@code POST /login}; OIDC providers, when configured, are offered
 * as links to {@code /oauth2/authorization/{id}}. Sign-out is Spring Security's {@code POST /logout}
 * (a form with the CSRF token in the navigation), which comes back here with {@code ?logout}.
 */
@Controller
public class LoginController {

  /** An OIDC provider to offer. */
  public record Provider(String id, String name) {}

  private final ObjectProvider<ClientRegistrationRepository> oidcClients;
  private final SecurityProperties security;

  public LoginController(ObjectProvider<ClientRegistrationRepository> oidcClients,
      SecurityProperties security) {
    this.oidcClients = oidcClients;
    this.security = security;
  }

  @GetMapping("/login")
  String login(Model model) {
    List<Provider> providers = new ArrayList<>();
    if (oidcClients.getIfAvailable() instanceof Iterable<?> registrations) {
      for (Object r : registrations) {
        if (r instanceof ClientRegistration c) {
          providers.add(new Provider(c.getRegistrationId(), c.getClientName()));
        }
      }
    }
    model.addAttribute("providers", providers);
    model.addAttribute("localUsers", security.localUsers());
    return "ui/login";
  }
}
