package io.aimsmonitor.web.ui;

import io.aimsmonitor.review.ForbiddenActionException;
import io.aimsmonitor.web.security.EndpointRoles;
import io.aimsmonitor.web.security.Role;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The page a signed-in person gets for a page their role does not allow (a viewer opening the audit
 * log): 403 in the UI's layout, naming the page, the role it needs and the role they have. The
 * security filter forwards here ({@code ProblemResponses}); the decision was taken there, by
 * {@link EndpointRoles}, and this page only explains it. Rendered by {@link UiAdvice}'s error page,
 * like every other refusal in the UI.
 */
@Controller
public class AccessDeniedPage {

  @RequestMapping(EndpointRoles.ACCESS_DENIED_PAGE)
  String denied(HttpServletRequest request) {
    Object path = request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI);
    String page = path == null ? "This page" : "The page " + path;
    UiUser me = UiUser.current();
    String who = me.signedIn() ? " You are signed in as " + me.name() + ", with the " + me.roleLabel() + " role." : "";
    String needs = request.getAttribute(EndpointRoles.NEEDED_ROLE_ATTRIBUTE) instanceof Role role
        ? page + " needs the " + role.label() + " role." + who + " Ask an administrator if you need it."
        : page + " is not open to your role." + who;
    throw new ForbiddenActionException(needs);
  }
}
