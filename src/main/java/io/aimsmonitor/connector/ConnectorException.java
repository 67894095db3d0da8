package io.aimsmonitor.connector;

/**
 * A run failed for a reason the operator can act on. The message names the connector instance,
 * the URL (never with credentials) and what was wrong; {@link #reason()} is a short, bounded
 * label for metrics (e.g. {@code auth}, {@code http_5xx}, {@code malformed}, {@code timeout}).
 */
public class ConnectorException extends Exception {

  /** Every reason a run can fail with; a bounded set, used as a metric label. */
  public static final java.util.List<String> REASONS = java.util.List.of("auth", "rate_limited", "http_4xx", "http_5xx",
      "not_found", "malformed", "too_large", "redirect_loop", "timeout", "connection", "config", "cancelled", "internal",
      // a push source (OpenLineage) that has sent nothing for longer than it should
      "stale");

  private final String reason;

  public ConnectorException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ConnectorException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
