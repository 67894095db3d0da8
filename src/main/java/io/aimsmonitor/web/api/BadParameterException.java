package io.aimsmonitor.web.api;

/** A query parameter with a value the API cannot use; answered 400 with the parameter named. */
public class BadParameterException extends IllegalArgumentException {

  private final String parameter;

  public BadParameterException(String parameter, String message) {
    super("parameter '" + parameter + "': " + message);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
