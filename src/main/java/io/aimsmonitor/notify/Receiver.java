package io.aimsmonitor.notify;

import io.aimsmonitor.rules.Severity;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A configured destination with its route: which events it wants. Every given criterion must
 * match; an empty one matches everything. Owners and teams match the finding's owners
 * (case-insensitive; a team matches its own name and its members); controls match exactly or by
 * prefix ending in {@code *} ({@code A.6.*}).
 *
 * @param kind {@code webhook} (signed generic JSON) or {@code slack} (an incoming-webhook message)
 * @param secret the HMAC key of a webhook; null for Slack, whose URL is the secret
 */
public record Receiver(String name, String kind, URI url, byte[] secret, Set<String> events, Severity minSeverity,
    Set<String> owners, Set<String> teams, List<String> controls, Set<String> connectors) {

  public static final String WEBHOOK = "webhook";
  public static final String SLACK = "slack";

  public boolean wants(NotificationEvent e, Map<String, List<String>> teamMembers) {
    if (!events.isEmpty() && !events.contains(e.type())) {
      return false;
    }
    if (minSeverity != null && e.severity() != null && !e.severity().atLeast(minSeverity)) {
      return false;
    }
    Set<String> eventOwners = e.owners().stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    if (!owners.isEmpty() && owners.stream().noneMatch(eventOwners::contains)) {
      return false;
    }
    if (!teams.isEmpty() && teams.stream().noneMatch(t -> eventOwners.contains(t)
        || teamMembers.getOrDefault(t, List.of()).stream().anyMatch(m -> eventOwners.contains(m.toLowerCase(Locale.ROOT))))) {
      return false;
    }
    if (!controls.isEmpty() && e.controls().stream().noneMatch(this::controlMatches)) {
      return false;
    }
    return connectors.isEmpty() || (e.connector() != null && connectors.contains(e.connector()));
  }

  private boolean controlMatches(String control) {
    return controls.stream().anyMatch(c -> c.endsWith("*") ? control.startsWith(c.substring(0, c.length() - 1))
        : c.equals(control));
  }

  @Override
  public String toString() {
    return "Receiver[" + name + ", " + kind + "]"; // never the URL (a Slack URL is a secret) nor the key
  }
}
