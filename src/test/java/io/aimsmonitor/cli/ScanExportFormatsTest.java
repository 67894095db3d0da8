package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.export.ExportWritersTest;
import io.aimsmonitor.testing.Workbench;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code scan --format sarif|junit|ocsf}: what a CI pipeline uploads, checked as CI tools read it. */
class ScanExportFormatsTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private Run scan(String format) throws Exception {
    Path connectors = Files.createDirectories(dir.resolve("connectors"));
    Files.createDirectories(dir.resolve("inventory"));
    Files.writeString(connectors.resolve("inventory.yaml"), "id: inventory\ntype: file\noptions:\n  paths: [../inventory]\n");
    Files.writeString(dir.resolve("inventory/models.yaml"),
        Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]"));
    Path pack = Files.createDirectories(dir.resolve("rules/test-pack"));
    Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n");
    Files.writeString(pack.resolve("rules.drl"), Workbench.OWNER_RULE);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("scan", "--connectors", connectors.toString(), "--rules", dir.resolve("rules").toString(),
        "--format", format, "--fail-on", "high");
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void sarifIsValidAndNamesTheRuleTheSubjectAndTheControl() throws Exception {
    Run r = scan("sarif");
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(ExportWritersTest.validateSarif(r.out())).isEmpty();
    JsonNode run = JsonMapper.builder().build().readTree(r.out()).get("runs").get(0);
    assertThat(run.get("tool").get("driver").get("rules").get(0).get("properties").get("controls").get(0).asString())
        .isEqualTo("A.3.2");
    JsonNode result = run.get("results").get(0);
    assertThat(result.get("ruleId").asString()).isEqualTo("test.production-has-owner");
    assertThat(result.get("level").asString()).isEqualTo("error");
    assertThat(result.get("message").get("text").asString()).isEqualTo("Model churn v4 has no owner.");
    assertThat(result.get("locations").get(0).get("logicalLocations").get(0).get("fullyQualifiedName").asString())
        .isEqualTo("inventory:churn/4");
  }

  @Test
  void junitAndOcsf() throws Exception {
    Run junit = scan("junit");
    assertThat(junit.exit()).as(junit.err()).isEqualTo(ExitCodes.FINDINGS);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(junit.out().getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
    Element testcase = (Element) doc.getElementsByTagName("testcase").item(0);
    assertThat(testcase.getAttribute("classname")).isEqualTo("test.production-has-owner");
    assertThat(testcase.getElementsByTagName("failure").item(0).getTextContent()).contains("inventory:churn/4");

    Run ocsf = scan("ocsf");
    assertThat(ocsf.out().lines().count()).isEqualTo(1);
    JsonNode event = JsonMapper.builder().build().readTree(ocsf.out().lines().findFirst().orElseThrow());
    assertThat(event.get("class_uid").asInt()).isEqualTo(2003);
    assertThat(event.get("compliance").get("requirements").get(0).asString()).isEqualTo("A.3.2");
  }
}
