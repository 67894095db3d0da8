package io.aimsmonitor.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Notifications, {@code aims.notify.*} (docs/notifications.md). Receivers can live in their own
 * file through {@code spring.config.import=optional:file:/etc/aims/notifications.yaml}.
 *
 * @param teams team name to members, for routing by team
 * @param waiverLeadTimes how long before a waiver in force expires to send {@code waiver.expiring}: one
 *     notice per lead time (e.g. 14d and 1d)
 */
@ConfigurationProperties("aims.notify")
public record NotifyProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("5s") Duration pollInterval,
    @DefaultValue("2") int senders,
    @DefaultValue("100") int queueCapacity,
    @DefaultValue("10s") Duration timeout,
    @DefaultValue("8") int maxAttempts,
    @DefaultValue("30s") Duration initialBackoff,
    @DefaultValue("1h") Duration maxBackoff,
    @DefaultValue("2m") Duration claimTimeout,
    @DefaultValue("14d") List<Duration> waiverLeadTimes,
    Map<String, List<String>> teams,
    List<ReceiverProperties> receivers) {

  public NotifyProperties {
    teams = teams == null ? Map.of() : Map.copyOf(teams);
    receivers = receivers == null ? List.of() : List.copyOf(receivers);
    waiverLeadTimes = waiverLeadTimes == null ? List.of() : List.copyOf(waiverLeadTimes);
    for (Duration lead : waiverLeadTimes) {
      if (lead.isNegative() || lead.isZero()) {
        throw new IllegalArgumentException("aims.notify.waiver-lead-times: each must be positive, got " + lead);
      }
    }
  }

  /**
   * One receiver. The URL is given directly, or (for a Slack webhook, whose URL is a secret) as
   * the name of an environment variable or a file; a webhook's HMAC secret only as either.
   *
   * @param type {@code webhook} (signed JSON) or {@code slack}
   * @param events event types it wants ({@code finding.new}, {@code control.drift}, {@code connector.failed},
   *     {@code waiver.expiring}); empty: all
   * @param minSeverity only findings at least this severe
   * @param controls control ids, or prefixes ending in {@code *}
   */
  public record ReceiverProperties(String name, @DefaultValue("webhook") String type, String url, String urlEnv,
      String urlFile, String secretEnv, String secretFile, List<String> events, String minSeverity, List<String> owners,
      List<String> teams, List<String> controls, List<String> connectors) {}
}
