package io.aimsmonitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.config.NotifyProperties.ReceiverProperties;
import io.aimsmonitor.notify.Receiver;
import io.aimsmonitor.rules.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receivers from configuration: secrets from the environment or files, and mistakes named by key. */
class NotifyConfigurationTest {

  @TempDir
  Path dir;

  private static NotifyProperties props(ReceiverProperties... receivers) {
    return new NotifyProperties(true, Duration.ofSeconds(5), 2, 100, Duration.ofSeconds(10), 8, Duration.ofSeconds(30),
        Duration.ofHours(1), Duration.ofMinutes(2), List.of(Duration.ofDays(14)), Map.of(), List.of(receivers));
  }

  private static ReceiverProperties receiver(String name, String type, String url, String urlEnv, String secretEnv,
      String secretFile, List<String> events, String minSeverity) {
    return new ReceiverProperties(name, type, url, urlEnv, null, secretEnv, secretFile, events, minSeverity, List.of("Alice"),
        null, null, null);
  }

  @Test
  void waiverLeadTimesDefaultToFourteenDaysAndBindFromAList() {
    var empty = new org.springframework.boot.context.properties.bind.Binder(
        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of("aims.notify.enabled",
            "true")));
    assertThat(empty.bindOrCreate("aims.notify", NotifyProperties.class).waiverLeadTimes())
        .containsExactly(Duration.ofDays(14));
    var two = new org.springframework.boot.context.properties.bind.Binder(
        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of(
            "aims.notify.waiver-lead-times", "14d,1d")));
    assertThat(two.bindOrCreate("aims.notify", NotifyProperties.class).waiverLeadTimes())
        .containsExactly(Duration.ofDays(14), Duration.ofDays(1));
    var zero = new org.springframework.boot.context.properties.bind.Binder(
        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of(
            "aims.notify.waiver-lead-times", "0d")));
    assertThatThrownBy(() -> zero.bindOrCreate("aims.notify", NotifyProperties.class))
        .hasStackTraceContaining("aims.notify.waiver-lead-times: each must be positive");
  }

  @Test
  void readsSecretsFromTheEnvironmentAndFiles() throws Exception {
    Path secret = Files.writeString(dir.resolve("hook-secret"), "file-secret-of-16-chars\n");
    List<Receiver> receivers = NotifyConfiguration.receivers(props(
        receiver("siem", "webhook", "https://siem.example.com/h", null, "HOOK_SECRET", null, List.of("finding.new"), "high"),
        receiver("files", "webhook", "https://x.example.com/h", null, null, secret.toString(), null, null),
        receiver("chat", "slack", null, "SLACK_URL", null, null, null, null)),
        Map.of("HOOK_SECRET", "env-secret-0123456789", "SLACK_URL", "https://hooks.slack.com/services/T/B/X")::get);
    assertThat(receivers).hasSize(3);
    assertThat(new String(receivers.get(0).secret())).isEqualTo("env-secret-0123456789");
    assertThat(receivers.get(0).minSeverity()).isEqualTo(Severity.HIGH);
    assertThat(receivers.get(0).owners()).containsExactly("alice");
    assertThat(new String(receivers.get(1).secret())).isEqualTo("file-secret-of-16-chars");
    assertThat(receivers.get(2).url().getHost()).isEqualTo("hooks.slack.com");
    assertThat(receivers.get(2).toString()).doesNotContain("hooks.slack.com");
  }

  @Test
  void namesTheKeyAtFault() {
    Map<String, String> env = Map.of("S", "0123456789abcdef");
    assertThatThrownBy(() -> NotifyConfiguration.receivers(props(
        receiver("a", "webhook", "ftp://x", null, "S", null, null, null)), env::get))
        .hasMessage("aims.notify.receivers[0].url: must be http:// or https://");
    assertThatThrownBy(() -> NotifyConfiguration.receivers(props(
        receiver("a", "webhook", "https://x", null, null, null, null, null)), env::get))
        .hasMessageContaining("aims.notify.receivers[0]: a webhook needs secret-env or secret-file");
    assertThatThrownBy(() -> NotifyConfiguration.receivers(props(
        receiver("a", "webhook", "https://x", null, "MISSING", null, null, null)), env::get))
        .hasMessage("aims.notify.receivers[0].secret-env: environment variable MISSING is not set");
    assertThatThrownBy(() -> NotifyConfiguration.receivers(props(
        receiver("a", "webhook", "https://x", null, "S", null, List.of("finding.created"), null)), env::get))
        .hasMessageContaining("aims.notify.receivers[0].events: unknown event 'finding.created'");
    assertThatThrownBy(() -> NotifyConfiguration.receivers(props(
        receiver("a", "teams", "https://x", null, "S", null, null, null)), env::get))
        .hasMessageContaining("aims.notify.receivers[0].type");
    assertThatThrownBy(() -> NotifyConfiguration.receivers(props(
        receiver("a", "webhook", "https://x", null, "S", null, null, null),
        receiver("a", "webhook", "https://y", null, "S", null, null, "severe")), env::get))
        .hasMessage("aims.notify.receivers[1].name: missing or used twice");
    assertThatThrownBy(() -> NotifyConfiguration.receivers(props(
        receiver("b", "webhook", "https://x", null, "S", null, null, "severe")), env::get))
        .hasMessageContaining("aims.notify.receivers[0].min-severity: unknown severity 'severe'");
  }
}
