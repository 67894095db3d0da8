package io.aimsmonitor.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container forwards to {@code /error} (an exception outside Spring MVC, a
 * {@code sendError} from a filter): an RFC 9457 problem detail, like every other API error,
 * instead of Spring Boot's own error map. Never a stack trace or the exception's message.
 */
@RestController
public class ProblemErrorController implements ErrorController {

  @RequestMapping("${server.error.path:${error.path:/error}}")
  public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = HttpStatus.resolve(code instanceof Integer i ? i : 500);
    if (status == null || !status.isError()) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    ProblemDetail problem = ProblemDetail.forStatus(status);
    problem.setDetail(status.is5xxServerError() ? "the server failed to answer this request; see its log"
        : status.getReasonPhrase());
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    if (uri instanceof String path && path.startsWith("/")) {
      problem.setInstance(java.net.URI.create(path.replaceAll("[^A-Za-z0-9/_.~-]", "_")));
    }
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
