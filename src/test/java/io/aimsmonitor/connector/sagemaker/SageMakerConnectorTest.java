package io.aimsmonitor.connector.sagemaker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.NOW;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import io.aimsmonitor.connector.registry.RegistryTestSupport.Run;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Runs the connector against WireMock speaking AWS JSON 1.1, with static credentials supplied
 * through system properties: the first source of the SDK's default credential chain.
 */
class SageMakerConnectorTest {

  private static final String ACCESS_KEY = "TESTACCESSKEYID00001";
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String JSON_11 = "application/x-amz-json-1.1";
  private static final String FRAUD_ARN = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-detector/";
  private static final String CHURN_ARN = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/1";
  private static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey",
      "aws.disableEc2Metadata");

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private UnaryOperator<ConnectorConfig> adjust = UnaryOperator.identity();

  @BeforeAll
  static void staticCredentials() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    // Never let a credential lookup reach for the instance metadata service from a test.
    System.setProperty("aws.disableEc2Metadata", "true");
  }

  @AfterAll
  static void clearCredentials() {
    PROPERTIES.forEach(System::clearProperty);
  }

  private Run run(List<String> groups) throws Exception {
    ConnectorConfig config = adjust.apply(RegistryTestSupport.config("sm-test", SageMakerConnectorType.NAME,
        server.baseUrl(), new AuthConfig("aws", null, null, null, null), Map.of("region", "eu-west-1")));
    SageMakerSettings settings = new SageMakerSettings("eu-west-1", groups, null, true, 2);
    // The SDK's own backoff, shortened so that retry tests stay fast.
    SageMakerConnector connector = new SageMakerConnector(config, settings,
        new SageMakerClients(BackoffStrategy.fixedDelay(Duration.ofMillis(20))));
    return RegistryTestSupport.run(config, connector, Map.of());
  }

  private static MappingBuilder operation(String name) {
    return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("SageMaker." + name));
  }

  private static RequestPatternBuilder requested(String name) {
    return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("SageMaker." + name));
  }

  private static ResponseDefinitionBuilder json(String resource) {
    return aResponse().withStatus(200).withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", "8f2c1e3a-5b6d-4c7e-9f80-1a2b3c4d5e6f")
        .withBody(resource("connector/sagemaker/" + resource));
  }

  private static ResponseDefinitionBuilder error(int status, String resource) {
    return aResponse().withStatus(status).withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", "0d6e9c51-7a8b-4c3d-8e2f-9a0b1c2d3e4f")
        .withBody(resource("connector/sagemaker/" + resource));
  }

  private void stubRegistry() {
    server.stubFor(operation("ListModelPackageGroups").withRequestBody(notContaining("NextToken"))
        .willReturn(json("list-groups-page1.json")));
    server.stubFor(operation("ListModelPackageGroups").withRequestBody(matchingJsonPath("$.NextToken",
        matching("AAMA-.*QM"))).willReturn(json("list-groups-page2.json")));
    server.stubFor(operation("ListModelPackages")
        .withRequestBody(matchingJsonPath("$.ModelPackageGroupName", equalTo("fraud-detector")))
        .withRequestBody(notContaining("NextToken")).willReturn(json("list-packages-fraud-page1.json")));
    server.stubFor(operation("ListModelPackages")
        .withRequestBody(matchingJsonPath("$.ModelPackageGroupName", equalTo("fraud-detector")))
        .withRequestBody(matchingJsonPath("$.NextToken", matching("AAMA-.*QN")))
        .willReturn(json("list-packages-fraud-page2.json")));
    server.stubFor(operation("ListModelPackages")
        .withRequestBody(matchingJsonPath("$.ModelPackageGroupName", equalTo("churn-model")))
        .willReturn(json("list-packages-churn.json")));
    for (int v = 5; v <= 7; v++) {
      server.stubFor(operation("DescribeModelPackage")
          .withRequestBody(matchingJsonPath("$.ModelPackageName", equalTo(FRAUD_ARN + v)))
          .willReturn(json("describe-fraud-" + v + ".json")));
    }
    server.stubFor(operation("DescribeModelPackage")
        .withRequestBody(matchingJsonPath("$.ModelPackageName", equalTo(CHURN_ARN)))
        .willReturn(json("describe-churn-1.json")));
  }

  private static ModelVersion fact(List<Fact> facts, String model, String version) {
    return facts.stream().map(ModelVersion.class::cast)
        .filter(f -> f.modelName().equals(model) && f.version().equals(version)).findFirst().orElseThrow();
  }

  @Test
  void listsGroupsAndPackagesAndMapsEveryField() throws Exception {
    stubRegistry();

    Run run = run(List.of());

    assertEquals(4, run.facts().size());
    ModelVersion v6 = fact(run.facts(), "fraud-detector", "6");
    assertEquals("sm-test", v6.source());
    assertEquals(FRAUD_ARN + 6, v6.sourceUrl());
    assertEquals(NOW, v6.observedAt());
    assertEquals("sagemaker", v6.registry());
    assertNull(v6.stage());
    assertEquals(List.of("prod"), v6.aliases(), "the newest approved package of a group without recorded stages");
    assertTrue(v6.isProduction());
    assertEquals(List.of("risk-ml", "alice"), v6.owners());
    assertEquals("alice", v6.registeredBy(), "CreatedBy: who registered it, not an owner");
    assertEquals("GBM v6 trained on 2024Q1", v6.description());
    assertEquals("arn:aws:sagemaker:eu-west-1:123456789012:pipeline/train-fraud/execution/8xq2k1", v6.sourceRunId());
    assertEquals("acb5820ced9479c074f688cc328bf03f341a511d", v6.sourceGitCommit());
    assertEquals("APPROVED", v6.approvalStatus());
    assertEquals(Instant.ofEpochMilli(1718012345678L), v6.createdAt());
    assertEquals(Instant.ofEpochSecond(1718099999L), v6.updatedAt());
    assertNull(v6.promotedAt());
    assertEquals("payments-fraud", v6.system());
    assertEquals(Map.ofEntries(
        Map.entry("owner", "risk-ml, alice"),
        Map.entry("aims.system", "payments-fraud"),
        Map.entry("sagemaker.arn", FRAUD_ARN + 6),
        Map.entry("sagemaker.status", "Completed"),
        Map.entry("sagemaker.approvalStatus", "Approved"),
        Map.entry("sagemaker.approvalDescription", "Approved by risk board 2024-06-11"),
        Map.entry("sagemaker.createdBy", "alice"),
        Map.entry("sagemaker.lastModifiedBy", "risk-board-bot"),
        Map.entry("sagemaker.domain", "MACHINE_LEARNING"),
        Map.entry("sagemaker.task", "CLASSIFICATION"),
        Map.entry("sagemaker.repository", "https://github.com/acme/fraud"),
        Map.entry("sagemaker.generatedBy", "arn:aws:sagemaker:eu-west-1:123456789012:pipeline/train-fraud/execution/8xq2k1"),
        Map.entry("sagemaker.projectId", "p-1a2b3c4d5e6f"),
        Map.entry("sagemaker.metrics.ModelQuality.Statistics", "s3://ml/eval/6/statistics.json"),
        Map.entry("sagemaker.metrics.ModelDataQuality.Constraints", "s3://ml/dq/6/constraints.json"),
        Map.entry("sagemaker.metrics.Bias.Report", "s3://ml/bias/6/report.json")), v6.tags());
    assertEquals(new ModelCard("Scoring card-not-present transactions for manual review", "Not for credit decisions",
        "auc=0.943; f1=0.81", "s3://lake/transactions/2024q1.parquet", FRAUD_ARN + 6), v6.card());
    assertNull(v6.supplier());

    ModelVersion v5 = fact(run.facts(), "fraud-detector", "5");
    assertEquals("REJECTED", v5.approvalStatus());
    assertEquals(List.of(), v5.aliases());
    assertEquals(List.of(), v5.owners());
    assertNull(v5.description());
    assertNull(v5.updatedAt());
    assertNull(v5.card());
    assertNull(v5.sourceGitCommit());
    assertEquals(Map.of("sagemaker.arn", FRAUD_ARN + 5, "sagemaker.status", "Completed",
        "sagemaker.approvalStatus", "Rejected"), v5.tags());

    ModelVersion v7 = fact(run.facts(), "fraud-detector", "7");
    assertEquals("PENDING", v7.approvalStatus());
    assertEquals(List.of(), v7.aliases(), "newer, but not approved");
    assertFalse(v7.isProduction());

    ModelVersion churn = fact(run.facts(), "churn-model", "1");
    assertEquals("Staging", churn.stage(), "the lifecycle stage wins over customer metadata 'stage'");
    assertEquals(List.of("champion"), churn.aliases(), "recorded stages switch the latest-approved convention off");
    assertEquals("Shadow traffic since 2024-02-01", churn.tag("sagemaker.lifecycle.stageDescription"));

    server.verify(2, requested("ListModelPackageGroups"));
    server.verify(3, requested("ListModelPackages"));
    server.verify(4, requested("DescribeModelPackage")
        .withHeader("Content-Type", equalTo(JSON_11))
        .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY
            + "/\\d{8}/eu-west-1/sagemaker/aws4_request, .*")));
    server.verify(requested("ListModelPackages").withRequestBody(matchingJsonPath("$.MaxResults", equalTo("2")))
        .withRequestBody(matchingJsonPath("$.SortBy", equalTo("CreationTime"))));
    assertEquals(5, run.pages());
  }

  @Test
  void configuredGroupsAreReadWithoutListingGroups() throws Exception {
    stubRegistry();

    Run run = run(List.of("churn-model"));

    assertEquals(List.of("churn-model"), run.facts().stream().map(f -> ((ModelVersion) f).modelName()).toList());
    server.verify(0, requested("ListModelPackageGroups"));
  }

  @Test
  void emptyRegistryGivesNoFacts() throws Exception {
    server.stubFor(operation("ListModelPackageGroups").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", JSON_11).withBody("{\"ModelPackageGroupSummaryList\":[]}")));

    Run run = run(List.of());

    assertEquals(List.of(), run.facts());
    server.verify(1, requested("ListModelPackageGroups"));
    server.verify(0, requested("ListModelPackages"));
  }

  @Test
  void throttlingIsRetriedByTheSdk() throws Exception {
    stubRegistry();
    server.stubFor(operation("ListModelPackages").inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(error(400, "error-throttling.json")).willSetStateTo("calm").atPriority(1));

    Run run = run(List.of("churn-model"));

    assertEquals(1, run.facts().size());
    server.verify(2, requested("ListModelPackages"));
  }

  @Test
  void persistentThrottlingFailsAsRateLimitedNamingOperationAndCode() {
    server.stubFor(operation("ListModelPackageGroups").willReturn(error(400, "error-throttling.json")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(List.of()));

    assertEquals("rate_limited", e.reason());
    assertTrue(e.getMessage().contains("connector 'sm-test'"), e.getMessage());
    assertTrue(e.getMessage().contains("ListModelPackageGroups failed: ThrottlingException (HTTP 400): Rate exceeded"),
        e.getMessage());
    server.verify(3, requested("ListModelPackageGroups")); // 1 + http.maxRetries (2)
  }

  @Test
  void serverErrorIsRetriedThenSucceeds() throws Exception {
    stubRegistry();
    server.stubFor(operation("DescribeModelPackage").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(error(500, "error-internal.json")).willSetStateTo("ok").atPriority(1));

    Run run = run(List.of("churn-model"));

    assertEquals("Staging", ((ModelVersion) run.facts().get(0)).stage());
    server.verify(2, requested("DescribeModelPackage"));
  }

  @Test
  void timeoutFailsWithReasonTimeout() {
    server.stubFor(operation("ListModelPackageGroups").willReturn(json("list-groups-page2.json").withFixedDelay(1_000)));
    adjust = RegistryTestSupport::withShortTimeout;

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(List.of()));

    assertEquals("timeout", e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("connector 'sm-test'") && e.getMessage().contains("ListModelPackageGroups"),
        e.getMessage());
  }

  @Test
  void bodyThatIsNotJsonFailsAsMalformed() {
    server.stubFor(operation("ListModelPackageGroups").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", JSON_11).withBody("<html><body>Proxy login</body></html>")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(List.of()));

    assertEquals("malformed", e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("ListModelPackageGroups"), e.getMessage());
  }

  @Test
  void invalidCredentialsFailAtOnceWithOneRequest() {
    server.stubFor(operation("ListModelPackageGroups").willReturn(error(400, "error-unrecognized-client.json")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(List.of()));

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("connector 'sm-test'") && e.getMessage().contains("UnrecognizedClientException")
        && e.getMessage().contains("default credential chain"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET_KEY));
    server.verify(1, requested("ListModelPackageGroups"));
  }

  @Test
  void aNextTokenThatComesBackFailsLikeAnHttpListing() {
    server.stubFor(operation("ListModelPackageGroups").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", JSON_11).withBody("{\"ModelPackageGroupSummaryList\":[],\"NextToken\":\"same\"}")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(List.of()));

    assertEquals("malformed", e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("connector 'sm-test': listing model package groups: next page 'same' was"
        + " already fetched"), e.getMessage());
    server.verify(2, requested("ListModelPackageGroups"));
  }

  @Test
  void accessDeniedFailsAtOnceWithOneRequest() {
    server.stubFor(operation("ListModelPackageGroups").willReturn(error(403, "error-access-denied.json")));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(List.of()));

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("AccessDeniedException (HTTP 403)")
        && e.getMessage().contains("not authorized to perform: sagemaker:ListModelPackageGroups"), e.getMessage());
    server.verify(1, requested("ListModelPackageGroups"));
  }

  @Test
  void otherServiceErrorsNameOperationAndErrorCode() {
    stubRegistry();
    server.stubFor(operation("DescribeModelPackage").willReturn(error(400, "error-validation.json")).atPriority(1));

    ConnectorException e = assertThrows(ConnectorException.class, () -> run(List.of("fraud-detector")));

    assertEquals("http_4xx", e.reason());
    assertTrue(e.getMessage().contains("DescribeModelPackage failed: ValidationException (HTTP 400)"), e.getMessage());
    server.verify(1, requested("DescribeModelPackage"));
  }
}
