package io.aimsmonitor.ops;

import static io.aimsmonitor.ops.PromtoolRulesTest.list;
import static io.aimsmonitor.ops.PromtoolRulesTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Helm chart, linted and rendered by the real helm engine (helm-java embeds it), and the
 * rendered manifests checked as Kubernetes objects.
 */
class HelmChartTest {

  static final Path CHART = Path.of("helm/aims-monitor");
  static final Path HA_VALUES = CHART.resolve("values-ha.yaml");
  private static final String RELEASE = "aims";
  private static final String FULLNAME = "aims-aims-monitor";
  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  // ---------------------------------------------------------------------------------- helm lint

  @Test
  void lintPassesStrictlyWithDefaultValues() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  /**
   * helm-java's lint takes no values file, so lint a copy of the chart whose values.yaml is the
   * defaults merged with values-ha.yaml, which is what `helm lint -f values-ha.yaml` checks.
   */
  @Test
  void lintPassesStrictlyWithHaValues(@TempDir Path dir) throws IOException {
    Path chart = dir.resolve("aims-monitor");
    copyTree(CHART, chart);
    Map<String, Object> merged = deepMerge(readYaml(CHART.resolve("values.yaml")), readYaml(HA_VALUES));
    Files.writeString(chart.resolve("values.yaml"), YAML.writeValueAsString(merged));

    LintResult result = new Helm(chart).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict with values-ha: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  // --------------------------------------------------------------------------- default render

  @Test
  void defaultRenderIsASingleReplicaOnH2WithAPersistentDataVolume() {
    Manifests manifests = render(null, Map.of());
    assertThat(manifests.kinds()).contains("Deployment", "Service", "ServiceAccount", "PersistentVolumeClaim")
        .doesNotContain("Secret", "ServiceMonitor", "PrometheusRule", "PodDisruptionBudget", "Ingress",
            "NetworkPolicy");

    Map<String, Object> deployment = manifests.one("Deployment");
    Map<String, Object> spec = map(deployment.get("spec"));
    assertThat(spec.get("replicas")).isEqualTo(1);
    assertThat(map(spec.get("strategy")).get("type")).as("H2 file cannot be opened by two pods").isEqualTo("Recreate");

    Map<String, Object> container = container(deployment);
    assertThat(envNames(container)).contains("AIMS_CONNECTORS_DIR", "AIMS_RULES_DIR", "AIMS_DATA_DIR", "SERVER_PORT")
        .doesNotContain("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD");
    assertThat(env(container, "AIMS_DATA_DIR").get("value")).isEqualTo("/var/lib/aims");

    Map<String, Object> data = volume(deployment, "data");
    assertThat(map(data.get("persistentVolumeClaim")).get("claimName")).isEqualTo(FULLNAME + "-data");
    assertThat(mountPath(container, "data")).isEqualTo("/var/lib/aims");
    Map<String, Object> pvc = manifests.one("PersistentVolumeClaim");
    assertThat(name(pvc)).isEqualTo(FULLNAME + "-data");
    assertThat(map(map(pvc.get("metadata")).get("annotations")).get("helm.sh/resource-policy")).isEqualTo("keep");

    Map<String, Object> service = manifests.one("Service");
    assertThat(map(map(service.get("spec")).get("selector")))
        .isEqualTo(map(map(map(map(spec.get("template")).get("metadata")).get("labels"))).entrySet().stream()
            .filter(e -> map(map(spec.get("selector")).get("matchLabels")).containsKey(e.getKey()))
            .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
  }

  @Test
  void probesUseTheActuatorHealthGroups() {
    for (Manifests manifests : List.of(render(null, Map.of()), render(HA_VALUES, Map.of()))) {
      Map<String, Object> container = container(manifests.one("Deployment"));
      assertThat(probe(container, "livenessProbe").get("path")).isEqualTo("/actuator/health/liveness");
      assertThat(probe(container, "readinessProbe").get("path")).isEqualTo("/actuator/health/readiness");
      assertThat(probe(container, "startupProbe").get("path")).isEqualTo("/actuator/health/liveness");
      assertThat(probe(container, "livenessProbe").get("port")).isEqualTo("http");
      Map<String, Object> port = map(list(container.get("ports")).get(0));
      assertThat(port).containsEntry("name", "http").containsEntry("containerPort", 8080);
    }
  }

  @Test
  void podRunsNonRootWithAReadOnlyRootFilesystemAndNoCapabilities() {
    for (Manifests manifests : List.of(render(null, Map.of()), render(HA_VALUES, Map.of()))) {
      Map<String, Object> deployment = manifests.one("Deployment");
      Map<String, Object> podSpec = podSpec(deployment);
      Map<String, Object> podSecurity = map(podSpec.get("securityContext"));
      assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
      assertThat(podSpec.get("automountServiceAccountToken")).isEqualTo(false);

      Map<String, Object> container = container(deployment);
      Map<String, Object> security = map(container.get("securityContext"));
      assertThat(security).containsEntry("runAsNonRoot", true).containsEntry("readOnlyRootFilesystem", true)
          .containsEntry("allowPrivilegeEscalation", false);
      assertThat(list(map(security.get("capabilities")).get("drop"))).containsExactly("ALL");

      // The only writable places: /tmp (emptyDir) and the data directory.
      assertThat(volume(deployment, "tmp")).containsKey("emptyDir");
      assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");
    }
  }

  // -------------------------------------------------------------------------------- access control

  @Test
  void theServiceListensOnAllInterfacesInThePodAndTheImage() throws IOException {
    Map<String, Object> container = container(render(null, Map.of()).one("Deployment"));
    assertThat(env(container, "SERVER_ADDRESS").get("value")).as("the jar's default is 127.0.0.1").isEqualTo("0.0.0.0");
    assertThat(env(container, "AIMS_SECURITY_METRICS_ACCESS").get("value")).isEqualTo("open");
    assertThat(envNames(container)).doesNotContain("AIMS_SECURITY_ADMIN_PASSWORD", "AIMS_SECURITY_METRICS_TOKEN");
    assertThat(Files.readString(Path.of("Dockerfile"))).containsPattern("(?m)^\\s+SERVER_ADDRESS=0\\.0\\.0\\.0 ");
  }

  @Test
  void prometheusScrapesWithTheTokenFromASecretWhenMetricsNeedOne() {
    Manifests manifests = render(HA_VALUES, Map.of("security.oidc.roleMapping.aims-Admins", "admin"));
    Map<String, Object> container = container(manifests.one("Deployment"));
    assertThat(env(container, "AIMS_SECURITY_METRICS_ACCESS").get("value")).isEqualTo("token");
    assertThat(secretKeyRef(container, "AIMS_SECURITY_METRICS_TOKEN")).containsEntry("name", "aims-metrics-token")
        .containsEntry("key", "token");
    assertThat(secretKeyRef(container, "AIMS_SECURITY_ADMIN_PASSWORD")).containsEntry("name", "aims-admin")
        .containsEntry("key", "password");
    assertThat((String) env(container, "SPRING_APPLICATION_JSON").get("value"))
        .isEqualTo("{\"aims\":{\"security\":{\"oidc\":{\"role-mapping\":{\"aims-Admins\":\"admin\"}}}}}");
    Map<String, Object> endpoint = map(list(map(manifests.one("ServiceMonitor").get("spec")).get("endpoints")).get(0));
    assertThat(map(endpoint.get("authorization"))).containsEntry("type", "Bearer")
        .containsEntry("credentials", Map.of("name", "aims-metrics-token", "key", "token"));

    assertThatThrownBy(() -> render(null, Map.of("security.metrics.access", "token")))
        .hasMessageContaining("security.metrics.tokenSecret");
    assertThatThrownBy(() -> render(null, Map.of("security.metrics.access", "secret")))
        .hasMessageContaining("access");
  }

  // -------------------------------------------------------------------------------- HA render

  @Test
  void haRenderRunsThreeReplicasOnPostgresqlWithPdbServiceMonitorAndRules() throws IOException {
    Manifests manifests = render(HA_VALUES, Map.of());
    assertThat(manifests.kinds()).contains("Deployment", "Service", "PodDisruptionBudget", "ServiceMonitor",
        "PrometheusRule", "ConfigMap").doesNotContain("Secret", "PersistentVolumeClaim");

    Map<String, Object> deployment = manifests.one("Deployment");
    Map<String, Object> spec = map(deployment.get("spec"));
    assertThat(spec.get("replicas")).isEqualTo(3);
    assertThat(map(spec.get("strategy")).get("type")).isEqualTo("RollingUpdate");
    Map<String, Object> selector = map(map(spec.get("selector")).get("matchLabels"));

    Map<String, Object> container = container(deployment);
    assertThat((String) env(container, "SPRING_DATASOURCE_URL").get("value")).startsWith("jdbc:postgresql://");
    assertThat(secretKeyRef(container, "SPRING_DATASOURCE_USERNAME")).containsEntry("name", "aims-db")
        .containsEntry("key", "username");
    assertThat(secretKeyRef(container, "SPRING_DATASOURCE_PASSWORD")).containsEntry("name", "aims-db")
        .containsEntry("key", "password");
    assertThat(volume(deployment, "data")).as("no H2 file to keep with PostgreSQL").containsKey("emptyDir");
    Map<String, Object> antiAffinity = map(map(podSpec(deployment).get("affinity")).get("podAntiAffinity"));
    assertThat(antiAffinity).containsKey("preferredDuringSchedulingIgnoredDuringExecution");

    Map<String, Object> pdb = manifests.one("PodDisruptionBudget");
    assertThat(map(pdb.get("spec")).get("maxUnavailable")).isEqualTo(1);
    assertThat(map(map(map(pdb.get("spec")).get("selector")).get("matchLabels"))).isEqualTo(selector);

    Map<String, Object> serviceMonitor = manifests.one("ServiceMonitor");
    assertThat(map(map(serviceMonitor.get("metadata")).get("labels"))).containsEntry("release", "kube-prometheus-stack");
    Map<String, Object> endpoint = map(list(map(serviceMonitor.get("spec")).get("endpoints")).get(0));
    assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", "http");
    Map<String, Object> service = manifests.one("Service");
    assertThat(map(map(service.get("metadata")).get("labels")))
        .containsAllEntriesOf(map(map(map(serviceMonitor.get("spec")).get("selector")).get("matchLabels")));

    // The PrometheusRule carries exactly the shipped rule file.
    Map<String, Object> rule = manifests.one("PrometheusRule");
    assertThat(map(rule.get("spec"))).isEqualTo(readYaml(PromtoolRulesTest.RULES));

    // The dashboard ConfigMap carries exactly the shipped dashboard, labelled for the sidecar.
    Map<String, Object> dashboard = manifests.named("ConfigMap", FULLNAME + "-dashboard");
    assertThat(map(map(dashboard.get("metadata")).get("labels"))).containsEntry("grafana_dashboard", "1");
    String json = (String) map(dashboard.get("data")).get("aims-monitor-dashboard.json");
    assertThat(JSON.readTree(json)).isEqualTo(JSON.readTree(PromqlDashboardTest.DASHBOARD.toFile()));
  }

  @Test
  void runbookBaseUrlCanPointAtYourOwnCopy() {
    Manifests manifests = render(null, Map.of("prometheusRule.enabled", true,
        "prometheusRule.runbookBaseUrl", "https://wiki.example.com/aims/runbook"));
    String rendered = YAML.writeValueAsString(manifests.one("PrometheusRule"));
    assertThat(rendered).contains("https://wiki.example.com/aims/runbook#aimscontroldrift")
        .doesNotContain(PromtoolRulesTest.RUNBOOK_URL_PREFIX);
  }

  @Test
  void chartCopiesOfRulesAndDashboardAreIdenticalToTheShippedFiles() throws IOException {
    assertThat(Files.readString(CHART.resolve("files/aims-alerts.yaml")))
        .as("helm/aims-monitor/files/aims-alerts.yaml must be a copy of %s: cp it after editing",
            PromtoolRulesTest.RULES)
        .isEqualTo(Files.readString(PromtoolRulesTest.RULES));
    assertThat(Files.readString(CHART.resolve("files/aims-monitor-dashboard.json")))
        .as("helm/aims-monitor/files/aims-monitor-dashboard.json must be a copy of %s: cp it after editing",
            PromqlDashboardTest.DASHBOARD)
        .isEqualTo(Files.readString(PromqlDashboardTest.DASHBOARD));
  }

  // ---------------------------------------------------------------------- refusals (fail/schema)

  @Test
  void severalReplicasWithoutExternalPostgresqlRefuseToRender() {
    assertThatThrownBy(() -> render(null, Map.of("replicaCount", 3)))
        .hasMessageContaining("replicaCount=3 needs external PostgreSQL")
        .hasMessageContaining("externalPostgresql.enabled=true");
    // One replica on H2 is fine, and so are three on PostgreSQL (the HA render above).
    assertThat(render(null, Map.of("replicaCount", 1)).kinds()).contains("Deployment");
  }

  @Test
  void externalPostgresqlNeedsASecretAndAPostgresqlUrl() {
    assertThatThrownBy(() -> render(null, Map.of("externalPostgresql.enabled", true,
        "externalPostgresql.url", "jdbc:postgresql://db:5432/aims")))
        .hasMessageContaining("externalPostgresql.existingSecret");
    assertThatThrownBy(() -> render(null, Map.of("externalPostgresql.enabled", true,
        "externalPostgresql.existingSecret", "aims-db")))
        .hasMessageContaining("externalPostgresql.url");
    assertThatThrownBy(() -> render(null, Map.of("externalPostgresql.enabled", true,
        "externalPostgresql.existingSecret", "aims-db", "externalPostgresql.url", "jdbc:mysql://db/aims")))
        .hasMessageContaining("jdbc:postgresql://");
  }

  @Test
  void schemaRejectsUnknownAndMistypedValues() {
    assertThatThrownBy(() -> render(null, Map.of("replicas", 3))).hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(null, Map.of("podAntiAffinity.type", "sometimes")))
        .hasMessageContaining("podAntiAffinity");
  }

  // -------------------------------------------------------------------------- secrets and config

  @Test
  void connectorCredentialsAndDatabasePasswordOnlyComeFromSecretReferences(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, """
        connectors:
          instances:
            mlflow-prod:
              id: mlflow-prod
              type: mlflow
              baseUrl: https://mlflow.example.internal
              auth:
                type: bearer
                tokenFile: /var/run/secrets/aims/mlflow/token
            gitlab:
              id: gitlab
              type: gitlab
              baseUrl: https://gitlab.example.internal
              auth:
                type: header
                header: PRIVATE-TOKEN
                tokenEnv: GITLAB_TOKEN
        connectorSecrets:
          env:
            - name: GITLAB_TOKEN
              secretName: aims-gitlab
              key: token
          envFrom:
            - aims-connector-tokens
          files:
            - secretName: aims-mlflow
              mountPath: /var/run/secrets/aims/mlflow
        """);
    for (Manifests manifests : List.of(render(values, Map.of()), render(HA_VALUES, Map.of()), render(null, Map.of()))) {
      assertThat(manifests.kinds()).as("the chart never creates a Secret from values").doesNotContain("Secret");
      Map<String, Object> container = container(manifests.one("Deployment"));
      for (Object e : list(container.get("env"))) {
        Map<String, Object> env = map(e);
        if (((String) env.get("name")).matches(".*(PASSWORD|TOKEN|SECRET|USERNAME).*")) {
          assertThat(env).as("credential variable %s", env.get("name")).doesNotContainKey("value");
          assertThat(map(env.get("valueFrom"))).containsKey("secretKeyRef");
        }
      }
    }

    Manifests manifests = render(values, Map.of());
    Map<String, Object> deployment = manifests.one("Deployment");
    Map<String, Object> container = container(deployment);
    assertThat(secretKeyRef(container, "GITLAB_TOKEN")).containsEntry("name", "aims-gitlab").containsEntry("key", "token");
    assertThat(list(container.get("envFrom"))).contains(Map.of("secretRef", Map.of("name", "aims-connector-tokens")));
    Map<String, Object> secretVolume = volume(deployment, "secret-0-aims-mlflow");
    assertThat(map(secretVolume.get("secret")).get("secretName")).isEqualTo("aims-mlflow");
    assertThat(mountPath(container, "secret-0-aims-mlflow")).isEqualTo("/var/run/secrets/aims/mlflow");

    // Connector YAML lands in a ConfigMap mounted at /etc/aims/connectors, with references only.
    Map<String, Object> configMap = manifests.named("ConfigMap", FULLNAME + "-connectors");
    Map<String, Object> data = map(configMap.get("data"));
    assertThat(data).containsOnlyKeys("mlflow-prod.yaml", "gitlab.yaml");
    Map<String, Object> mlflow = YAML.readValue((String) data.get("mlflow-prod.yaml"), Map.class);
    assertThat(map(mlflow.get("auth"))).containsEntry("tokenFile", "/var/run/secrets/aims/mlflow/token");
    assertThat(mountPath(container, "connectors")).isEqualTo("/etc/aims/connectors");
    assertThat(map(map(deployment.get("spec")).get("template")).toString()).contains("checksum/connectors");
  }

  @Test
  void inlineConnectorTokensAreRefused(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, """
        connectors:
          instances:
            mlflow-prod:
              id: mlflow-prod
              type: mlflow
              auth:
                type: bearer
                token: not-a-real-token
        """);
    assertThatThrownBy(() -> render(values, Map.of()))
        .hasMessageContaining("connectors.instances.mlflow-prod.auth.token")
        .hasMessageContaining("connectorSecrets");
  }

  @Test
  void rulePacksFromValuesAndExistingConfigMapsAreMountedPerPack(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, """
        rules:
          includeImagePacks: false
          packs:
            org-policies:
              pack.yaml: |
                id: org-policies
              org-policies.drl: |
                package org.policies
          existingConfigMaps:
            - pack: eu-ai-act
              configMap: aims-eu-ai-act
        """);
    Manifests manifests = render(values, Map.of());
    Map<String, Object> packConfigMap = manifests.named("ConfigMap", FULLNAME + "-rules-org-policies");
    assertThat(map(packConfigMap.get("data"))).containsOnlyKeys("pack.yaml", "org-policies.drl");
    assertThat((String) map(packConfigMap.get("data")).get("org-policies.drl")).contains("package org.policies");

    Map<String, Object> deployment = manifests.one("Deployment");
    Map<String, Object> container = container(deployment);
    assertThat(volume(deployment, "rules")).as("image packs hidden").containsKey("emptyDir");
    assertThat(mountPath(container, "rules")).isEqualTo("/etc/aims/rules");
    assertThat(mountPath(container, "rules-org-policies")).isEqualTo("/etc/aims/rules/org-policies");
    assertThat(map(volume(deployment, "rules-eu-ai-act").get("configMap")).get("name")).isEqualTo("aims-eu-ai-act");
    assertThat(mountPath(container, "rules-eu-ai-act")).isEqualTo("/etc/aims/rules/eu-ai-act");

    // By default the image's packs stay and nothing is mounted over /etc/aims/rules.
    Map<String, Object> defaults = container(render(null, Map.of()).one("Deployment"));
    assertThat(list(defaults.get("volumeMounts"))).noneMatch(m -> "/etc/aims/rules".equals(map(m).get("mountPath")));
  }

  @Test
  void ingressAndNetworkPolicyRenderWhenEnabled() {
    Manifests manifests = render(null, Map.of("ingress.enabled", true, "ingress.className", "nginx",
        "networkPolicy.enabled", true, "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.team", "monitoring"));
    Map<String, Object> ingress = manifests.one("Ingress");
    assertThat(map(ingress.get("spec")).get("ingressClassName")).isEqualTo("nginx");
    assertThat(YAML.writeValueAsString(ingress)).contains("name: \"" + FULLNAME + "\"").contains("number: 8080");

    Map<String, Object> policy = map(manifests.one("NetworkPolicy").get("spec"));
    assertThat(list(policy.get("policyTypes"))).containsExactly("Ingress");
    Map<String, Object> rule = map(list(policy.get("ingress")).get(0));
    assertThat(list(rule.get("from"))).hasSize(1);
    assertThat(YAML.writeValueAsString(rule)).contains("monitoring");
  }

  @Test
  void notesTellHowToReachTheServiceAndWarnAboutAnEphemeralDatabase() {
    // A client-only dry-run install renders NOTES.txt (helm template does not), no cluster needed.
    String notes = new Helm(CHART).install().withName(RELEASE).withNamespace("compliance")
        .withKubeVersion("v1.31.0").dryRun().clientOnly().call().getOutput();
    assertThat(notes).contains("NOTES:").contains("port-forward svc/" + FULLNAME + " 8080:8080")
        .contains("Embedded H2 on PVC " + FULLNAME + "-data").doesNotContain("WARNING");

    String ephemeral = new Helm(CHART).install().withName(RELEASE).withNamespace("compliance")
        .withKubeVersion("v1.31.0").set("persistence.enabled", false).dryRun().clientOnly().call().getOutput();
    assertThat(ephemeral).contains("WARNING: embedded H2 on an emptyDir");
  }

  // ------------------------------------------------------------------------------------ support

  /** The documents of one `helm template` run, by kind. */
  record Manifests(List<Map<String, Object>> documents) {
    List<String> kinds() {
      return documents.stream().map(d -> (String) d.get("kind")).toList();
    }

    Map<String, Object> one(String kind) {
      List<Map<String, Object>> matches = documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
      assertThat(matches).as("exactly one %s in %s", kind, kinds()).hasSize(1);
      return matches.get(0);
    }

    Map<String, Object> named(String kind, String name) {
      return documents.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d))).findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + kinds()));
    }
  }

  static TemplateCommand template(Path valuesFile, Map<String, Object> sets) {
    // Like `helm template` without --kube-version, the embedded engine assumes Kubernetes v1.20,
    // older than the chart's kubeVersion constraint: render for a current cluster instead.
    TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace("compliance")
        .withKubeVersion("v1.31.0");
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return command;
  }

  static Manifests render(Path valuesFile, Map<String, Object> sets) {
    String rendered = template(valuesFile, sets).call();
    List<Map<String, Object>> documents = new ArrayList<>();
    try (var parser = YAML.createParser(rendered)) {
      var values = YAML.readerFor(Map.class).readValues(parser);
      while (values.hasNextValue()) {
        Map<String, Object> document = map(values.nextValue());
        if (document != null && !document.isEmpty()) {
          documents.add(document);
        }
      }
    }
    documents.forEach(d -> assertThat(d).as("Kubernetes object").containsKeys("apiVersion", "kind", "metadata"));
    return new Manifests(documents);
  }

  static String name(Map<String, Object> object) {
    return (String) map(object.get("metadata")).get("name");
  }

  static Map<String, Object> podSpec(Map<String, Object> deployment) {
    return map(map(map(deployment.get("spec")).get("template")).get("spec"));
  }

  static Map<String, Object> container(Map<String, Object> deployment) {
    List<Object> containers = list(podSpec(deployment).get("containers"));
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  static List<String> envNames(Map<String, Object> container) {
    return list(container.get("env")).stream().map(e -> (String) map(e).get("name")).toList();
  }

  static Map<String, Object> env(Map<String, Object> container, String name) {
    return list(container.get("env")).stream().map(PromtoolRulesTest::map).filter(e -> name.equals(e.get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no env " + name + " in " + envNames(container)));
  }

  static Map<String, Object> secretKeyRef(Map<String, Object> container, String name) {
    Map<String, Object> env = env(container, name);
    assertThat(env).as("%s must not carry a literal value", name).doesNotContainKey("value");
    return map(map(env.get("valueFrom")).get("secretKeyRef"));
  }

  static Map<String, Object> probe(Map<String, Object> container, String probe) {
    return map(map(container.get(probe)).get("httpGet"));
  }

  static Map<String, Object> volume(Map<String, Object> deployment, String name) {
    return list(podSpec(deployment).get("volumes")).stream().map(PromtoolRulesTest::map)
        .filter(v -> name.equals(v.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  static String mountPath(Map<String, Object> container, String volume) {
    return list(container.get("volumeMounts")).stream().map(PromtoolRulesTest::map)
        .filter(m -> volume.equals(m.get("name"))).map(m -> (String) m.get("mountPath")).findFirst()
        .orElseThrow(() -> new AssertionError("no mount of volume " + volume));
  }

  static Map<String, Object> readYaml(Path file) {
    return map(YAML.readValue(file.toFile(), Map.class));
  }

  /** Helm's value merge: maps merge recursively, anything else in {@code override} wins. */
  static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    override.forEach((key, value) -> {
      Object existing = merged.get(key);
      if (existing instanceof Map<?, ?> && value instanceof Map<?, ?>) {
        merged.put(key, deepMerge(map(existing), map(value)));
      } else {
        merged.put(key, value);
      }
    });
    return merged;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(source -> {
        Path target = to.resolve(from.relativize(source).toString());
        try {
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
