package io.aimsmonitor.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.web.security.EndpointRoles.Access;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * The table itself follows the conventions every branch codes against (EndpointAccessTest checks
 * that the service answers as the table says; this checks that the table says the right thing).
 */
class EndpointRolesTest {

  private static Access access(HttpMethod method, String path) {
    return EndpointRoles.ruleFor(method, path).map(EndpointRoles.Rule::access).orElse(null);
  }

  @Test
  void readingNeedsViewerActingOnFindingsAndWaiversNeedsReviewerAdministrationNeedsAdmin() {
    assertThat(access(HttpMethod.GET, "/api/findings")).isEqualTo(Access.VIEWER);
    assertThat(access(HttpMethod.GET, "/api/anything/added/later")).isEqualTo(Access.VIEWER);
    assertThat(access(HttpMethod.POST, "/api/findings/abc/acknowledge")).isEqualTo(Access.REVIEWER);
    assertThat(access(HttpMethod.DELETE, "/api/waivers/7")).isEqualTo(Access.REVIEWER);
    assertThat(access(HttpMethod.PATCH, "/api/findings/bulk")).isEqualTo(Access.REVIEWER);
    assertThat(access(HttpMethod.POST, "/api/connectors/mlflow-prod/run")).isEqualTo(Access.ADMIN);
    assertThat(access(HttpMethod.POST, "/api/rules/reload")).isEqualTo(Access.ADMIN);
    for (String admin : new String[] {"/api/users", "/api/users/rosa", "/api/tokens", "/api/tokens/3", "/api/audit",
        "/api/notifications/webhooks"}) {
      assertThat(access(HttpMethod.GET, admin)).as(admin).isEqualTo(Access.ADMIN);
      assertThat(access(HttpMethod.POST, admin)).as(admin).isEqualTo(Access.ADMIN);
    }
  }

  @Test
  void onlyProbesLoginPagesMetricsAndLineageAnswerWithoutCredentials() {
    assertThat(access(HttpMethod.GET, "/actuator/health/readiness")).isEqualTo(Access.PUBLIC);
    assertThat(access(HttpMethod.GET, "/actuator/prometheus")).isEqualTo(Access.METRICS);
    assertThat(access(HttpMethod.POST, "/api/v1/lineage")).isEqualTo(Access.OWN_KEY);
    assertThat(access(HttpMethod.GET, "/api/v1/lineage")).isEqualTo(Access.VIEWER);
    for (EndpointRoles.Rule rule : EndpointRoles.RULES) {
      if (rule.access() == Access.PUBLIC) {
        assertThat(rule.patterns()).allSatisfy(p -> assertThat(p.getPatternString())
            .matches("/actuator/health(/\\*\\*)?|/login.*|/logout|/oauth2/\\*\\*|/default-ui\\.css|/error"
                // the web UI's static files: stylesheet, scripts and icon, no data
                + "|/ui/\\*\\*|/webjars/\\*\\*|/favicon\\.ico"
                // the page explaining a refusal already decided (the role a page needs), no data
                + "|/access-denied"));
      }
    }
  }

  @Test
  void aChangeNeverNeedsLessThanReviewerAndAnythingUndeclaredIsRefused() {
    for (HttpMethod change : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE}) {
      assertThat(access(change, "/api/controls")).as("%s /api/controls", change).isNull();
      assertThat(access(change, "/api/connectors/x")).isNull();
    }
    assertThat(access(HttpMethod.GET, "/actuator/env")).isNull();
    assertThat(access(HttpMethod.GET, "/actuator")).isNull();
    assertThat(access(HttpMethod.GET, "/api/%75sers")).isEqualTo(Access.ADMIN);
  }
}
