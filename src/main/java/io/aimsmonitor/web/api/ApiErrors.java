package io.aimsmonitor.web.api;

import io.aimsmonitor.review.ForbiddenActionException;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Errors as RFC 9457 problem details that say what was wrong, never a stack trace. */
@RestControllerAdvice(basePackageClasses = ApiErrors.class)
public class ApiErrors {

  @ExceptionHandler(BadParameterException.class)
  ProblemDetail badParameter(BadParameterException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    problem.setTitle("Bad query parameter");
    problem.setProperty("parameter", e.parameter());
    return problem;
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail badRequest(IllegalArgumentException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
        "parameter '" + e.getName() + "' has an invalid value");
    problem.setProperty("parameter", e.getName());
    return problem;
  }

  @ExceptionHandler(NoSuchElementException.class)
  ProblemDetail notFound(NoSuchElementException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
  }

  @ExceptionHandler(ForbiddenActionException.class)
  ProblemDetail forbidden(ForbiddenActionException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
  }

  @ExceptionHandler(IllegalStateException.class)
  ProblemDetail conflict(IllegalStateException e) {
    // Tomcat reports query parameters it cannot decode (a bad percent-escape, a bad charset) as an
    // IllegalStateException when a parameter is read: that is the client's error, not a conflict.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getName().equals("org.apache.tomcat.util.http.InvalidParameterException")) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
            "the query string cannot be decoded (for example an invalid percent-escape such as %zz)");
      }
    }
    return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
  }
}
