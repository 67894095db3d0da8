package io.aimsmonitor.config;

import io.aimsmonitor.config.NotifyProperties.ReceiverProperties;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.notify.NotificationDispatcher;
import io.aimsmonitor.notify.NotificationEvent;
import io.aimsmonitor.notify.NotificationPlanner;
import io.aimsmonitor.notify.Receiver;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.store.FindingRepository;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Notifications, when {@code aims.notify.enabled} (and the scheduler runs: {@code scan} never
 * notifies). Receivers are checked at start-up: a mistake stops the service with the key at fault.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotifyProperties.class)
@ConditionalOnProperty(name = {"aims.notify.enabled", "aims.scheduler.enabled"}, havingValue = "true")
public class NotifyConfiguration {

  @Bean(destroyMethod = "close")
  NotificationDispatcher notificationDispatcher(NotifyProperties props, JdbcClient jdbc, TransactionTemplate tx,
      FindingRepository findings, Exporter exporter, ControlCatalog catalog, RuleBook ruleBook, MonitorService monitor,
      ReviewService review, Clock clock) {
    List<Receiver> receivers = receivers(props, System::getenv);
    NotificationPlanner planner = new NotificationPlanner(jdbc, tx, receivers, props.teams(), findings, exporter,
        () -> ControlAssessment.assess(catalog, ruleBook.rules().values(), findings.openCountsByControl(),
            monitor.staleRules()),
        new NotificationPlanner.WaiverNotices(review::waivers, props.waiverLeadTimes()), clock);
    NotificationDispatcher dispatcher = new NotificationDispatcher(jdbc, planner, receivers,
        new NotificationDispatcher.Settings(props.pollInterval(), props.senders(), props.queueCapacity(), props.timeout(),
            props.maxAttempts(), props.initialBackoff(), props.maxBackoff(), props.claimTimeout()),
        clock, instanceId());
    dispatcher.start();
    return dispatcher;
  }

  private static String instanceId() {
    try {
      return InetAddress.getLocalHost().getHostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    } catch (IOException e) {
      return UUID.randomUUID().toString();
    }
  }

  /** The configured receivers, validated; secrets and secret URLs read from the environment or files. */
  static List<Receiver> receivers(NotifyProperties props, Function<String, String> env) {
    List<Receiver> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < props.receivers().size(); i++) {
      ReceiverProperties r = props.receivers().get(i);
      String at = "aims.notify.receivers[" + i + "]";
      if (r.name() == null || r.name().isBlank() || !names.add(r.name())) {
        throw new IllegalStateException(at + ".name: missing or used twice");
      }
      String kind = r.type() == null ? Receiver.WEBHOOK : r.type().toLowerCase(Locale.ROOT);
      if (!kind.equals(Receiver.WEBHOOK) && !kind.equals(Receiver.SLACK)) {
        throw new IllegalStateException(at + ".type: must be webhook or slack, got '" + r.type() + "'");
      }
      String url = secret(at + ".url", r.url(), r.urlEnv(), r.urlFile(), env);
      if (url == null) {
        throw new IllegalStateException(at + ".url: give url, url-env or url-file");
      }
      URI uri;
      try {
        uri = URI.create(url.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(at + ".url: not a URL");
      }
      if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme())) {
        throw new IllegalStateException(at + ".url: must be http:// or https://");
      }
      byte[] secret = null;
      if (kind.equals(Receiver.WEBHOOK)) {
        String s = secret(at + ".secret", null, r.secretEnv(), r.secretFile(), env);
        if (s == null || s.length() < 16) {
          throw new IllegalStateException(at + ": a webhook needs secret-env or secret-file naming a secret of 16 characters"
              + " or more (it signs every delivery)");
        }
        secret = s.getBytes(StandardCharsets.UTF_8);
      }
      List<String> events = r.events() == null ? List.of() : r.events();
      for (String e : events) {
        if (!NotificationEvent.TYPES.contains(e)) {
          throw new IllegalStateException(at + ".events: unknown event '" + e + "' (" + NotificationEvent.TYPES + ")");
        }
      }
      Severity min;
      try {
        min = r.minSeverity() == null ? null : Severity.parse(r.minSeverity());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(at + ".min-severity: " + e.getMessage());
      }
      out.add(new Receiver(r.name(), kind, uri, secret, Set.copyOf(events), min, lower(r.owners()), lower(r.teams()),
          r.controls() == null ? List.of() : List.copyOf(r.controls()),
          r.connectors() == null ? Set.of() : Set.copyOf(r.connectors())));
    }
    return out;
  }

  private static Set<String> lower(List<String> values) {
    Set<String> out = new HashSet<>();
    if (values != null) {
      values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
    }
    return out;
  }

  private static String secret(String key, String value, String envName, String file, Function<String, String> env) {
    if (value != null && !value.isBlank()) {
      return value;
    }
    if (envName != null && !envName.isBlank()) {
      String v = env.apply(envName);
      if (v == null || v.isBlank()) {
        throw new IllegalStateException(key + "-env: environment variable " + envName + " is not set");
      }
      return v.trim();
    }
    if (file != null && !file.isBlank()) {
      try {
        return Files.readString(Path.of(file)).trim();
      } catch (IOException e) {
        throw new IllegalStateException(key + "-file: cannot read " + file + ": " + e.getMessage());
      }
    }
    return null;
  }

}
