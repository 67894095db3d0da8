package io.aimsmonitor.notify;

import io.aimsmonitor.rules.Severity;
import java.util.List;
import java.util.Map;

/**
 * Something receivers may be told about, with what routing looks at.
 *
 * @param type {@link #NEW_FINDING}, {@link #CONTROL_DRIFT}, {@link #CONNECTOR_FAILED} or {@link #WAIVER_EXPIRING}
 * @param key unique per occurrence (the same occurrence planned twice is delivered once)
 * @param severity the finding's severity; null for events without one
 * @param owners the finding's owners (routing by owner and team)
 * @param controls the controls concerned
 * @param connector the connector instance concerned (a finding's source, a failed connector)
 * @param summary one line for chat messages
 * @param body the event's JSON body (without delivery id), as the generic webhook sends it
 */
public record NotificationEvent(String type, String key, Severity severity, List<String> owners, List<String> controls,
    String connector, String summary, Map<String, Object> body) {

  public static final String NEW_FINDING = "finding.new";
  public static final String CONTROL_DRIFT = "control.drift";
  public static final String CONNECTOR_FAILED = "connector.failed";
  public static final String WAIVER_EXPIRING = "waiver.expiring";
  public static final List<String> TYPES = List.of(NEW_FINDING, CONTROL_DRIFT, CONNECTOR_FAILED, WAIVER_EXPIRING);

  public NotificationEvent {
    owners = owners == null ? List.of() : List.copyOf(owners);
    controls = controls == null ? List.of() : List.copyOf(controls);
  }
}
