package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.testing.Workbench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** {@code validate} and {@code scan} as a CI pipeline uses them: output and exit codes. */
class CommandLineTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path setup(String drl) throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors"));
    Files.createDirectories(dir.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"),
        "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(dir.resolve("inventory/models.yaml"),
        Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]"));
    Path pack = Files.createDirectories(dir.resolve("rules/test-pack"));
    Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n");
    Files.writeString(pack.resolve("rules.drl"), drl);
    return dir;
  }

  @Test
  void validateAcceptsAGoodSetup() throws Exception {
    setup(Workbench.OWNER_RULE);
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("1 instance(s)").contains("rule pack test-pack: 1 rules");
  }

  @Test
  void validateRejectsADrlSyntaxErrorNamingTheFile() throws Exception {
    setup(Workbench.OWNER_RULE.replace("when", "when $m :"));
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("rule pack 'test-pack' is invalid").contains("rules.drl");
  }

  @Test
  void validateRejectsAnUnknownControlNamingFileAndRule() throws Exception {
    setup(Workbench.OWNER_RULE.replace("A.3.2", "A.3.9"));
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("rules.drl:4").contains("rule \"test.production-has-owner\"")
        .contains("unknown control id 'A.3.9'");
  }

  @Test
  void validateNamesTheConnectorFileAndKeyAtFault() throws Exception {
    setup(Workbench.OWNER_RULE);
    Files.writeString(dir.resolve("connectors/broken.yaml"),
        "id: Broken Id\ntype: mlfow\nschedule: every hour\nauth: {type: bearer}\nhttp: {proxy: \"proxy:3128\"}\n");
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("broken.yaml: id:").contains("broken.yaml: type: unknown connector type 'mlfow'")
        .contains("broken.yaml: schedule: not a Quartz cron expression")
        .contains("broken.yaml: auth.tokenEnv: auth type 'bearer' needs tokenEnv or tokenFile")
        .contains("broken.yaml: http.proxy: is not an http:// or https:// URL with a host");
  }

  @Test
  void validateAcceptsTheDemoReplayNameAndRejectsAnUnknownOne() throws Exception {
    setup(Workbench.OWNER_RULE);
    Files.writeString(dir.resolve("connectors/demo.yaml"), "id: demo\ntype: mlflow\nbaseUrl: demo://mlflow\n");
    String[] args = {"validate", "--connectors", dir.resolve("connectors").toString(), "--rules",
        dir.resolve("rules").toString()};
    assertThat(run(args).exit()).isZero();

    Files.writeString(dir.resolve("connectors/demo.yaml"), "id: demo\ntype: mlflow\nbaseUrl: demo://registry\n");
    Run r = run(args);
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("demo.yaml: baseUrl: 'demo://registry' names no demo server").contains("demo://mlflow");
  }

  @Test
  void validateFindsWhatScanWouldFailOnWithoutContactingAnything() throws Exception {
    setup(Workbench.OWNER_RULE);
    Files.writeString(dir.resolve("connectors/registry.yaml"), """
        id: registry
        type: mlflow
        baseUrl: http://127.0.0.1:9
        auth: {type: bearer, tokenEnv: AIMS_TEST_TOKEN_THAT_IS_NEVER_SET}
        """);
    Files.writeString(dir.resolve("connectors/basic.yaml"), """
        id: basic
        type: mlflow
        baseUrl: http://127.0.0.1:9
        auth: {type: basic, username: aims, passwordFile: ../secrets/missing-password}
        """);
    Files.writeString(dir.resolve("connectors/evidence.yaml"),
        "id: evidence\ntype: file\noptions:\n  paths: [../inventory, ../attestations/missing.yaml]\n");
    Files.writeString(dir.resolve("connectors/off.yaml"), """
        id: off
        type: mlflow
        enabled: false
        baseUrl: http://127.0.0.1:9
        auth: {type: bearer, tokenEnv: AIMS_TEST_TOKEN_THAT_IS_NEVER_SET}
        """);
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err())
        .contains("registry.yaml: auth.tokenEnv: environment variable AIMS_TEST_TOKEN_THAT_IS_NEVER_SET is not set")
        .contains("basic.yaml: auth.passwordFile: ").contains("missing-password does not exist or is not readable")
        .contains("evidence.yaml: options.paths: ").contains("missing.yaml does not exist")
        .doesNotContain("off.yaml").contains("3 problem(s) found");
  }

  @Test
  void validateRejectsACronThatNeverFiresAndABaseUrlWithTheApiPath() throws Exception {
    setup(Workbench.OWNER_RULE);
    Files.writeString(dir.resolve("connectors/never.yaml"),
        "id: never\ntype: file\nschedule: \"0 0 0 30 2 ?\"\noptions:\n  paths: [../inventory]\n");
    Files.writeString(dir.resolve("connectors/api.yaml"),
        "id: api\ntype: mlflow\nbaseUrl: https://mlflow.example.com/api/2.0/mlflow\n");
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("never.yaml: schedule: '0 0 0 30 2 ?' never fires")
        .contains("api.yaml: baseUrl: give the tracking server root without /api/...");
  }

  @Test
  void aConnectorWithoutScheduleRunsHourly() throws Exception {
    setup(Workbench.OWNER_RULE);
    var config = new io.aimsmonitor.connector.ConnectorConfigLoader(io.aimsmonitor.connector.ConnectorTypes.discover())
        .loadFile(dir.resolve("connectors/inventory.yaml"));
    assertThat(config.schedule()).isEqualTo("0 0 * * * ?").isEqualTo(
        io.aimsmonitor.connector.ConnectorConfigLoader.DEFAULT_SCHEDULE);
    assertThat(config.expectedInterval()).isEqualTo(java.time.Duration.ofHours(1));
  }

  @Test
  void validateReportsEveryProblemOfAPackAtOnce() throws Exception {
    setup(Workbench.OWNER_RULE.replace("A.3.2", "A.3.9") + """

        rule "test.broken"
          @control("A.6.2.5") @severity("low") @title("t") @remediation("r")
        when
          $m : ModelVersion( productio )
        then
        end
        """);
    Files.writeString(dir.resolve("rules/test-pack/pack.yaml"), "name: test-pack\nunknown: key\n");
    Run r = run("validate", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("pack.yaml: unknown: unknown key").contains("Unable to Analyse Expression productio")
        .contains("unknown control id 'A.3.9'");
  }

  @Test
  void scanPrintsJsonAndFailsOnSeverityThreshold() throws Exception {
    setup(Workbench.OWNER_RULE);
    String[] base = {"scan", "--connectors", dir.resolve("connectors").toString(), "--rules",
        dir.resolve("rules").toString(), "--format", "json"};
    Run r = run(concat(base, "--fail-on", "high"));
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FINDINGS);
    JsonNode report = FactJson.MAPPER.readTree(r.out());
    assertThat(report.get("complete").asBoolean()).isTrue();
    assertThat(report.get("sources").get(0).get("id").asString()).isEqualTo("inventory");
    assertThat(report.get("sources").get(0).get("status").asString()).isEqualTo("collected");
    assertThat(report.get("summary").get("atOrAboveFailOn").asInt()).isEqualTo(1);
    JsonNode findings = report.get("findings");
    assertThat(findings.size()).isEqualTo(1);
    assertThat(findings.get(0).get("ruleId").asString()).isEqualTo("test.production-has-owner");
    assertThat(findings.get(0).get("controls").get(0).asString()).isEqualTo("A.3.2");
    assertThat(findings.get(0).get("subject").get("key").asString()).isEqualTo("inventory:churn/4");
    assertThat(r.err()).contains("1 open finding(s) at or above high");

    Run critical = run(concat(base, "--fail-on", "critical"));
    assertThat(critical.exit()).as("nothing is critical").isEqualTo(ExitCodes.OK);
  }

  @Test
  void scanReportsAFailedSourceWithItsOwnExitCode() throws Exception {
    setup(Workbench.OWNER_RULE);
    Files.writeString(dir.resolve("inventory/models.yaml"), "- kind: ModelVersion\n  ownerz: [x]\n");
    Run r = run("scan", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString(),
        "--format", "csv");
    assertThat(r.exit()).isEqualTo(ExitCodes.SOURCE_FAILED);
    assertThat(r.err()).contains("connector 'inventory'").contains("models.yaml").contains("item 1")
        .contains("ownerz");
    assertThat(r.out()).as("the CSV footer names the failed source")
        .contains("# sources: 0 of 1 collected: inventory FAILED").contains("# evidence is INCOMPLETE");
  }

  @Test
  void aFailedSourceOutranksFindingsAtTheThresholdAndTheJsonSaysWhichSourceAndWhy() throws Exception {
    setup(Workbench.OWNER_RULE);
    Files.writeString(dir.resolve("connectors/second.yaml"),
        "id: second\ntype: file\noptions:\n  paths: [../missing-inventory]\n");
    Run r = run("scan", "--connectors", dir.resolve("connectors").toString(), "--rules", dir.resolve("rules").toString(),
        "--format", "json", "--fail-on", "high");
    assertThat(r.exit()).as("a source down: the evidence is incomplete, whatever the findings").isEqualTo(
        ExitCodes.SOURCE_FAILED);
    JsonNode report = FactJson.MAPPER.readTree(r.out());
    assertThat(report.get("complete").asBoolean()).isFalse();
    assertThat(report.get("summary").get("atOrAboveFailOn").asInt()).as("the healthy source's finding is still there")
        .isEqualTo(1);
    JsonNode second = report.get("sources").get(1);
    assertThat(second.get("id").asString()).isEqualTo("second");
    assertThat(second.get("status").asString()).isEqualTo("failed");
    assertThat(second.get("error").asString()).contains("missing-inventory");
    assertThat(report.get("sources").get(0).get("status").asString()).isEqualTo("collected");
    assertThat(r.err()).contains("1 open finding(s) at or above high");

    Run table = run("scan", "--connectors", dir.resolve("connectors").toString(), "--rules",
        dir.resolve("rules").toString());
    assertThat(table.exit()).isEqualTo(ExitCodes.SOURCE_FAILED);
    // the finding's subject and evidence come only from the healthy source, and its rule reads no
    // other fact: the failed source cannot change it, so it is not stale (issue #8 item 5)
    assertThat(table.out()).contains("1 open finding(s).").doesNotContain("on stale evidence")
        .contains("sources: 1 of 2 collected: inventory (2 facts), second FAILED").contains("evidence is INCOMPLETE");
  }

  @Test
  void theExitCodePrecedenceIsInvalidThenIncompleteThenFindings() {
    assertThat(ScanCommand.exitCode(true, false)).isEqualTo(ExitCodes.OK);
    assertThat(ScanCommand.exitCode(true, true)).isEqualTo(ExitCodes.FINDINGS);
    assertThat(ScanCommand.exitCode(false, false)).isEqualTo(ExitCodes.SOURCE_FAILED);
    assertThat(ScanCommand.exitCode(false, true)).isEqualTo(ExitCodes.SOURCE_FAILED);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void scanRefusesAConnectorFolderThatDoesNotExistInsteadOfFallingBackToTheDemo() {
    Run r = run("scan", "--connectors", dir.resolve("conectors").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).contains("aims.connectors-dir").contains("conectors").contains("is not a folder");
  }

  @Test
  void scanOfTheBundledDemoFindsLifecycleGapsInTheMlflowRegistry() throws Exception {
    Run r = run("scan", "--connectors", "connectors", "--rules", "rules", "--format", "json");
    assertThat(r.exit()).as(r.err()).isIn(ExitCodes.OK, ExitCodes.FINDINGS);
    JsonNode findings = FactJson.MAPPER.readTree(r.out()).get("findings");
    java.util.List<String> mlflowSubjects = new java.util.ArrayList<>();
    findings.forEach(f -> {
      if (f.get("subject").get("key").asString().startsWith("demo-mlflow:")) {
        mlflowSubjects.add(f.get("ruleId").asString() + " " + f.get("subject").get("key").asString());
      }
    });
    assertThat(mlflowSubjects).as("lifecycle findings from the demo MLflow registry")
        .anySatisfy(s -> assertThat(s).startsWith("lifecycle."));
  }
}
