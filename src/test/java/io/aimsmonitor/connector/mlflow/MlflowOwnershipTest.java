package io.aimsmonitor.connector.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Violation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #8, item 1: the account that registered a version is not its owner. A version with no
 * owner tag, registered by a CI service account, is collected by the real connector over HTTP and
 * judged by the shipped lifecycle and governance packs: the owner findings are raised, and their
 * evidence names the registering account.
 */
class MlflowOwnershipTest {

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final MlflowTestRig rig = new MlflowTestRig(server);

  private static final String SERVICE_ACCOUNT = "svc-ci-deployer@acme.iam.example";

  private void stubRegistryWithUnownedVersion() {
    server.stubFor(get(urlPathEqualTo(MlflowApi.REGISTERED_MODELS_SEARCH)).withQueryParam("page_token", absent())
        .willReturn(okJson("""
            {"registered_models": [{"name": "credit-limit", "creation_timestamp": 1717000000000,
              "last_updated_timestamp": 1717000000000, "user_id": "%s",
              "aliases": [{"alias": "champion", "version": "3"}]}]}
            """.formatted(SERVICE_ACCOUNT))));
    server.stubFor(get(urlPathEqualTo(MlflowApi.MODEL_VERSIONS_SEARCH)).withQueryParam("page_token", absent())
        .willReturn(okJson("""
            {"model_versions": [{"name": "credit-limit", "version": "3", "creation_timestamp": 1717000000000,
              "last_updated_timestamp": 1717000000000, "user_id": "%s", "current_stage": "None",
              "source": "models:/m-1", "status": "READY", "aliases": ["champion"],
              "tags": [{"key": "approved_by", "value": "%s"}]}]}
            """.formatted(SERVICE_ACCOUNT, SERVICE_ACCOUNT))));
  }

  @Test
  void aVersionWithoutAnOwnerTagHasNoOwnerAndTheFindingNamesTheRegisteringAccount() throws Exception {
    stubRegistryWithUnownedVersion();
    List<Fact> facts = rig.collect(rig.config(Map.of("fetchRuns", false)));

    ModelVersion v3 = MlflowTestRig.version(facts, "credit-limit", "3");
    assertThat(v3.isProduction()).isTrue();
    assertThat(v3.owners()).as("user_id is who acted, not who is accountable").isEmpty();
    assertThat(v3.registeredBy()).isEqualTo(SERVICE_ACCOUNT);
    assertThat(v3.approvalStatus()).as("approved by the account that registered it").isEqualTo("SELF_APPROVED");

    List<Violation> violations = evaluateShipped(facts, "aims-lifecycle", "aims-governance");
    Violation owner = only(violations, "lifecycle.production-version-has-owner");
    assertThat(owner.subject().key()).isEqualTo("mlflow-test:credit-limit/3");
    assertThat(owner.evidence()).containsEntry("registeredBy", SERVICE_ACCOUNT);
    assertThat(owner.message()).contains(SERVICE_ACCOUNT);
    assertThat(only(violations, "governance.roles-assigned").evidence()).containsEntry("registeredBy", SERVICE_ACCOUNT);
    Violation approval = only(violations, "lifecycle.production-version-approved");
    assertThat(approval.evidence()).containsEntry("approvalStatus", "SELF_APPROVED")
        .containsEntry("registeredBy", SERVICE_ACCOUNT);
  }

  @Test
  void anOrganisationCanOptInToCountTheRegisteringAccountAsOwner() throws Exception {
    stubRegistryWithUnownedVersion();
    List<Fact> facts = rig.collect(rig.config(Map.of("fetchRuns", false, "registeredByIsOwner", true)));

    ModelVersion v3 = MlflowTestRig.version(facts, "credit-limit", "3");
    assertThat(v3.owners()).containsExactly(SERVICE_ACCOUNT);
    assertThat(v3.tags()).containsEntry("aims.ownersFrom", "registeredBy");
    assertThat(evaluateShipped(facts, "aims-lifecycle")).extracting(Violation::ruleId)
        .doesNotContain("lifecycle.production-version-has-owner");
  }

  private static List<Violation> evaluateShipped(List<Fact> facts, String... packs) throws Exception {
    RulePackLoader loader = new RulePackLoader(ControlCatalog.bundled());
    List<RulePack> loaded = new java.util.ArrayList<>();
    for (String pack : packs) {
      loaded.add(loader.load(Path.of("rules", pack), Map.of()));
    }
    return new Evaluator().evaluate(loaded, facts, MlflowTestRig.NOW).stream()
        .flatMap(r -> r.violations().stream()).toList();
  }

  private static Violation only(List<Violation> violations, String rule) {
    List<Violation> matching = violations.stream().filter(v -> v.ruleId().equals(rule)).toList();
    assertThat(matching).as(rule).hasSize(1);
    return matching.get(0);
  }
}
