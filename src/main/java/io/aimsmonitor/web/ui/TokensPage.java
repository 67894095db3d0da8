package io.aimsmonitor.web.ui;

import io.aimsmonitor.web.api.TokensController;
import io.aimsmonitor.web.security.ApiTokens;
import io.aimsmonitor.web.security.ApiTokens.TokenView;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Page 8b, API tokens (admin): the list with name, role, expiry and last use; create, which shows
 * the new token once (in that response only: it is neither stored in the session nor retrievable
 * later); revoke after a confirmation page. Acts through {@link TokensController}, so limits,
 * validation and the audit log are those of {@code /api/tokens}.
 */
@Controller
public class TokensPage {

  private final TokensController api;
  private final ApiTokens tokens;
  private final Clock clock;

  public TokensPage(TokensController api, ApiTokens tokens, Clock clock) {
    this.api = api;
    this.tokens = tokens;
    this.clock = clock;
  }

  /** A token just created: the secret, shown in this one answer. */
  public record Created(TokenView token, String secret) {}

  /** The create form as submitted, to show it again with the problem. */
  public record Form(String name, String role, String expiresOn) {}

  @GetMapping("/tokens")
  String list(Model model) {
    return page(model, new Form("", "viewer", ""));
  }

  @PostMapping("/tokens")
  String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "viewer") String role,
      @RequestParam(defaultValue = "") String expiresOn, Model model, HttpServletResponse response) {
    Form form = new Form(name, role, expiresOn);
    try {
      Map<String, Object> body = api.create(new TokensController.NewToken(name, role, expiry(expiresOn)));
      model.addAttribute("created", new Created((TokenView) body.get("token"), (String) body.get("secret")));
      return page(model, new Form("", "viewer", ""));
    } catch (IllegalArgumentException e) {
      response.setStatus(HttpStatus.BAD_REQUEST.value());
      model.addAttribute("formError", "No token created: " + e.getMessage());
      return page(model, form);
    }
  }

  /** Asks before revoking: a page naming the token, with the one button that revokes it. */
  @GetMapping("/tokens/{id}/revoke")
  String confirmRevoke(@PathVariable long id, Model model) {
    model.addAttribute("token", token(id));
    return "ui/token-revoke";
  }

  @PostMapping("/tokens/{id}/revoke")
  String revoke(@PathVariable long id, RedirectAttributes redirect) {
    TokenView before = token(id);
    TokenView after = api.revoke(id);
    redirect.addFlashAttribute("notice", before.revokedAt() != null
        ? "Token " + after.name() + " (" + after.id() + ") was already revoked; nothing changed."
        : "Token " + after.name() + " (" + after.id() + ") revoked: it is refused from now on.");
    return "redirect:/tokens";
  }

  private String page(Model model, Form form) {
    model.addAttribute("tokens", api.list());
    model.addAttribute("form", form);
    model.addAttribute("now", clock.instant());
    return "ui/tokens";
  }

  private TokenView token(long id) {
    return tokens.find(id).orElseThrow(() -> new NoSuchElementException("no token " + id));
  }

  /** A date (the token lapses at 00:00 UTC on that day, as every date in the UI), or blank for the default lifetime. */
  static Instant expiry(String date) {
    if (date == null || date.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(date.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("the expiry must be a date like 2027-01-31, got '" + date + "'");
    }
  }
}
