package io.aimsmonitor.web.ui;

import io.aimsmonitor.review.ForbiddenActionException;
import io.aimsmonitor.web.api.BadParameterException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.NoSuchElementException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * What every page of the web UI needs (the user, the current path for the navigation), and the
 * error page: a UI request that fails gets a page in the layout that says what was wrong, never a
 * JSON problem or a stack trace. Applies to the controllers of this package only; the API keeps
 * its problem details.
 */
@ControllerAdvice(basePackageClasses = UiAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class UiAdvice {

  private final UiFormat format;

  public UiAdvice(java.time.Clock clock) {
    this.format = new UiFormat(clock);
  }

  /** Time and word formatting for templates: {@code ${fmt.time(t)}}, {@code ${fmt.ago(t)}}. */
  @ModelAttribute("fmt")
  UiFormat fmt() {
    return format;
  }

  /** The signed-in user: {@code ${me.name}}, {@code ${me.reviewer}}, {@code ${me.admin}}. */
  @ModelAttribute("me")
  UiUser me() {
    return UiUser.current();
  }

  /** The request path, so that the navigation can mark the current page (Thymeleaf 3.1 has no #request). */
  @ModelAttribute("uiPath")
  String uiPath(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return path.isEmpty() ? "/" : path;
  }

  @ExceptionHandler({BadParameterException.class, IllegalArgumentException.class,
      MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
  String badRequest(Exception e, Model model, HttpServletRequest request, HttpServletResponse response) {
    return error(HttpStatus.BAD_REQUEST, "That request cannot be answered", e.getMessage(), model, request, response);
  }

  @ExceptionHandler(NoSuchElementException.class)
  String notFound(NoSuchElementException e, Model model, HttpServletRequest request, HttpServletResponse response) {
    return error(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), model, request, response);
  }

  @ExceptionHandler(ForbiddenActionException.class)
  String forbidden(ForbiddenActionException e, Model model, HttpServletRequest request, HttpServletResponse response) {
    return error(HttpStatus.FORBIDDEN, "Not allowed", e.getMessage(), model, request, response);
  }

  @ExceptionHandler(IllegalStateException.class)
  String conflict(IllegalStateException e, Model model, HttpServletRequest request, HttpServletResponse response) {
    return error(HttpStatus.CONFLICT, "That cannot be done now", e.getMessage(), model, request, response);
  }

  private String error(HttpStatus status, String title, String detail, Model model, HttpServletRequest request,
      HttpServletResponse response) {
    response.setStatus(status.value());
    model.addAttribute("me", me());
    model.addAttribute("uiPath", uiPath(request));
    model.addAttribute("fmt", format);
    model.addAttribute("status", status.value());
    model.addAttribute("errorTitle", title);
    model.addAttribute("errorDetail", detail);
    // An htmx request swaps the answer into the page: give it only the message.
    return "true".equals(request.getHeader("HX-Request")) ? "ui/error :: message" : "ui/error";
  }
}
