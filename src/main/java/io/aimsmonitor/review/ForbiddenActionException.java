package io.aimsmonitor.review;

/** An action the workflow's rules do not allow this person (for example, approving their own waiver). */
public class ForbiddenActionException extends RuntimeException {

  public ForbiddenActionException(String message) {
    super(message);
  }
}
