package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/** The small rules of the findings pages that need no browser. */
class UiHelpersTest {

  @Test
  void aViewDropsBlankFieldsAndSplitsCommaListsOfRepeatableFiltersOnly() {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    form.put("status", List.of("open"));
    form.put("text", List.of("a, b"));
    form.put("control", List.of("A.6.2.4, A.7.4"));
    form.put("owner", List.of(""));
    form.put("cursor", List.of(" "));
    MultiValueMap<String, String> view = FindingsPageController.canonical(form);
    assertThat(view).isEqualTo(new LinkedMultiValueMap<>(Map.of("status", List.of("open"), "text", List.of("a, b"),
        "control", List.of("A.6.2.4", "A.7.4"))));
    assertThat(FindingsPageController.url(view)).contains("control=A.6.2.4&control=A.7.4").contains("text=a%2C%20b");
  }

  @Test
  void onlyHttpAddressesBecomeLinks() {
    assertThat(FindingPageController.safeLink("https://mlflow.example/#/models/x")).isNotNull();
    assertThat(FindingPageController.safeLink("javascript:alert(1)")).isNull();
    assertThat(FindingPageController.safeLink(" JavaScript:alert(1)")).isNull();
    assertThat(FindingPageController.safeLink("data:text/html,<script>")).isNull();
    assertThat(FindingPageController.safeLink(null)).isNull();
  }

  @Test
  void aDateMeansTheStartOfThatDayUtc() {
    assertThat(FindingsPageController.dayStart("expiry", "2027-01-31")).hasToString("2027-01-31T00:00:00Z");
    assertThatThrownBy(() -> FindingsPageController.dayStart("expiry", "31/01/2027"))
        .hasMessageContaining("2027-01-31");
  }

  @Test
  void postureCountsAControlWhoseFindingsAreAllWaivedAsWaived() {
    assertThat(OverviewController.posture(row("compliant", null))).isEqualTo("compliant");
    assertThat(OverviewController.posture(row("compliant", "2 findings accepted by waiver W-1"))).isEqualTo("waived");
    assertThat(OverviewController.posture(row("non_compliant", "1 finding accepted"))).isEqualTo("non_compliant");
    assertThat(OverviewController.posture(row("not_covered", null))).isEqualTo("unknown");
    assertThat(OverviewController.posture(row("attestation_required", null))).isEqualTo("attestation_required");
  }

  private static io.aimsmonitor.finding.ControlReport.Row row(String status, String exclusion) {
    return new io.aimsmonitor.finding.ControlReport.Row("A.6.2.2", "annex-a", "A.6", "t", "automated", "full",
        List.of(), status, 0, 0, exclusion, List.of(), List.of());
  }
}
