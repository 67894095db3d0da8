package io.aimsmonitor.web.api;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/**
 * A request body that is not the JSON an endpoint expects: a 400 problem detail that says whether
 * the JSON itself is broken or which field has the wrong type, never the parser's internals (class
 * names, the body echoed back). Ordered first so it answers instead of Spring's generic "Failed to
 * read request".
 */
@RestControllerAdvice(basePackageClasses = RequestBodyErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestBodyErrors {

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ProblemDetail unreadable(HttpMessageNotReadableException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, describe(e));
    problem.setTitle("Bad request body");
    String field = field(e);
    if (field != null) {
      problem.setProperty("field", field);
    }
    return problem;
  }

  static String describe(HttpMessageNotReadableException e) {
    JacksonException json = jackson(e);
    if (json == null) {
      return "the request body is missing or cannot be read as JSON";
    }
    if (json instanceof StreamReadException) {
      return "the request body is not valid JSON"
          + (json.getLocation() == null ? "" : " (line " + json.getLocation().getLineNr() + ", column "
              + json.getLocation().getColumnNr() + ")");
    }
    String field = field(e);
    return field == null ? "the request body does not have the expected shape"
        : "field '" + field + "' has a value of the wrong type or format";
  }

  /** The dotted path of the field at fault, or null when the fault is not in one field. */
  static String field(HttpMessageNotReadableException e) {
    JacksonException json = jackson(e);
    if (json == null || json instanceof StreamReadException || json.getPath().isEmpty()) {
      return null;
    }
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : json.getPath()) {
      if (ref.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  private static JacksonException jackson(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JacksonException j) {
        return j;
      }
    }
    return null;
  }
}
