package io.aimsmonitor.export;

import static io.aimsmonitor.export.ExportSamples.ALL;
import static io.aimsmonitor.export.ExportSamples.OPEN_HIGH;
import static io.aimsmonitor.export.ExportSamples.OPEN_STALE;
import static io.aimsmonitor.export.ExportSamples.RESOLVED;
import static io.aimsmonitor.export.ExportSamples.WAIVED;
import static io.aimsmonitor.export.ExportSamples.export;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.testing.SharedReference;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/** Each export format, parsed back; SARIF validated against the official OASIS SARIF 2.1.0 JSON schema. */
public class ExportWritersTest {

  private final JsonMapper json = JsonMapper.builder().build();

  public static List<String> validateSarif(String sarif) throws Exception {
    String schemaText = Files.readString(SharedReference.file("schemas/sarif/sarif-schema-2.1.0.json"));
    Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schemaText, InputFormat.JSON);
    List<Error> errors = schema.validate(JsonMapper.builder().build().readTree(sarif));
    return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  @Test
  void sarifIsValidAgainstTheOfficialSchemaAndCarriesRulesLevelsLocationsAndWaivers() throws Exception {
    String sarif = export(ExportFormat.SARIF, ALL);
    assertThat(validateSarif(sarif)).isEmpty();

    JsonNode run = json.readTree(sarif).get("runs").get(0);
    JsonNode rules = run.get("tool").get("driver").get("rules");
    assertThat(rules.size()).isEqualTo(3);
    JsonNode owner = rules.get(0);
    assertThat(owner.get("id").asString()).isEqualTo("lifecycle.production-version-has-owner");
    assertThat(owner.get("help").get("text").asString()).contains("Set an owner").contains("A.3.2, 5.3");
    assertThat(owner.get("properties").get("controls").toString()).contains("A.3.2");
    assertThat(owner.get("defaultConfiguration").get("level").asString()).isEqualTo("error");

    JsonNode results = run.get("results");
    assertThat(results.size()).isEqualTo(4);
    JsonNode high = results.get(0);
    assertThat(high.get("ruleId").asString()).isEqualTo(OPEN_HIGH.ruleId());
    assertThat(high.get("ruleIndex").asInt()).isZero();
    assertThat(high.get("level").asString()).isEqualTo("error");
    assertThat(high.get("message").get("text").asString()).contains("fraud-detector v7");
    JsonNode location = high.get("locations").get(0);
    assertThat(location.get("logicalLocations").get(0).get("fullyQualifiedName").asString()).isEqualTo("mlflow-prod:fraud/7");
    assertThat(location.get("physicalLocation").get("artifactLocation").get("uri").asString())
        .isEqualTo(OPEN_HIGH.subject().url());
    assertThat(high.get("properties").get("evidenceLinks").get("finding").asString())
        .isEqualTo("https://aims.example.com/api/findings/" + OPEN_HIGH.id());
    assertThat(high.get("properties").get("evidenceLinks").get("snapshot").asLong()).isEqualTo(42);
    assertThat(high.has("suppressions")).isFalse();

    assertThat(results.get(1).get("level").asString()).as("medium").isEqualTo("warning");
    assertThat(results.get(1).get("locations").get(0).has("physicalLocation")).as("no source URL").isFalse();
    JsonNode waived = results.get(2);
    assertThat(waived.get("suppressions").get(0).get("status").asString()).isEqualTo("accepted");
    assertThat(waived.get("suppressions").get(0).get("justification").asString()).contains("risk accepted");
    assertThat(waived.get("properties").get("waiver").get("status").asString()).isEqualTo("active");
    assertThat(results.get(3).get("kind").asString()).as("resolved").isEqualTo("pass");
  }

  @Test
  void theSarifSchemaCheckCatchesABrokenDocument() throws Exception {
    String broken = export(ExportFormat.SARIF, ALL).replace("\"level\":\"error\"", "\"level\":\"fatal\"");
    assertThat(validateSarif(broken)).isNotEmpty();
  }

  @Test
  void junitXmlHasASuitePerPackFailuresForOpenFindingsPassesForQuietRulesAndSkipsForWaivers() throws Exception {
    String xml = export(ExportFormat.JUNIT, ALL);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element root = doc.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("testsuites");
    assertThat(root.getAttribute("tests")).isEqualTo("4");
    assertThat(root.getAttribute("failures")).isEqualTo("2");
    assertThat(root.getAttribute("skipped")).isEqualTo("1");
    NodeList suites = root.getElementsByTagName("testsuite");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < suites.getLength(); i++) {
      names.add(((Element) suites.item(i)).getAttribute("name"));
    }
    assertThat(names).containsExactly("aims-data", "aims-governance", "aims-lifecycle");
    Element governance = (Element) suites.item(1);
    assertThat(governance.getAttribute("failures")).isEqualTo("0");
    assertThat(((Element) governance.getElementsByTagName("testcase").item(0)).getAttribute("name"))
        .isEqualTo("governance.policy-approved");
    NodeList failures = doc.getElementsByTagName("failure");
    assertThat(failures.getLength()).isEqualTo(2);
    Element stale = (Element) failures.item(0);
    assertThat(stale.getAttribute("message")).contains("lending.holdout").contains("(stale evidence)");
    assertThat(stale.getTextContent()).contains("owners: data-team").contains("finding: https://aims.example.com/api/findings/");
    Element skipped = (Element) doc.getElementsByTagName("skipped").item(0);
    assertThat(skipped.getAttribute("message")).startsWith("waived until 2027-03-01");
  }

  @Test
  void csvHasOneRowPerFindingWithWaiverAndEvidenceLinks() throws Exception {
    String csv = export(ExportFormat.CSV, ALL);
    CsvMapper mapper = CsvMapper.builder().build();
    List<Map<String, String>> rows = new ArrayList<>();
    mapper.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).<Map<String, String>>readValues(csv)
        .forEachRemaining(rows::add);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0)).containsEntry("id", OPEN_HIGH.id()).containsEntry("severity", "high")
        .containsEntry("waiver", "none").containsEntry("sourceUrl", OPEN_HIGH.subject().url())
        .containsEntry("snapshot", "42").containsEntry("message", OPEN_HIGH.message());
    assertThat(rows.get(1)).containsEntry("stale", "true").containsEntry("owners", "data-team");
    assertThat(rows.get(2)).containsEntry("waiver", "active").containsEntry("waiverExpiresAt", "2027-03-01T00:00:00Z");
    assertThat(rows.get(3)).containsEntry("status", "resolved").containsEntry("resolvedAt", RESOLVED.resolvedAt().toString())
        .as("an ended waiver stays linked").containsEntry("waiver", "expired").containsEntry("waiverId", "file:lending-train");
  }

  @Test
  void jsonIsAnArrayOfFindingsWithEvidenceLinksAndWaiver() throws Exception {
    JsonNode array = json.readTree(export(ExportFormat.JSON, ALL));
    assertThat(array.size()).isEqualTo(4);
    JsonNode stale = array.get(1);
    assertThat(stale.get("id").asString()).isEqualTo(OPEN_STALE.id());
    assertThat(stale.get("evidence").get("snapshot").asLong()).isEqualTo(42);
    assertThat(stale.get("links").get("finding").asString()).endsWith("/api/findings/" + OPEN_STALE.id());
    assertThat(stale.get("waiver").get("status").asString()).isEqualTo("none");
    assertThat(array.get(2).get("waiver").get("approvedBy").asString()).isEqualTo("carol");
    assertThat(array.get(2).get("id").asString()).isEqualTo(WAIVED.id());
    assertThat(array.get(2).get("waiver").get("id").asString()).isEqualTo("W-0123456789ab");
    assertThat(array.get(2).get("waiver").get("requestedBy").asString()).isEqualTo("dave");
    assertThat(array.get(3).get("waiver").get("status").asString()).isEqualTo("expired");
    assertThat(json.readTree(export(ExportFormat.JSON, List.of())).size()).isZero();
  }

  @Test
  void waiversAreLookedUpOncePerBatchNotOncePerFinding() throws Exception {
    List<Integer> lookups = new java.util.concurrent.CopyOnWriteArrayList<>();
    WaiverLookup counting = batch -> {
      lookups.add(batch.size());
      return ExportSamples.WAIVERS.of(batch);
    };
    List<Finding> many = new ArrayList<>();
    for (int i = 0; i < 2 * Exporter.BATCH + 1; i++) {
      many.add(i == 700 ? WAIVED : OPEN_HIGH);
    }
    Exporter exporter = new Exporter(counting, null, "1.2.3", java.time.Clock.systemUTC());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    exporter.write(ExportFormat.JSON, many::forEach, ExportSamples.RULES, out);
    assertThat(lookups).containsExactly(Exporter.BATCH, Exporter.BATCH, 1);
    JsonNode array = json.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(array.size()).isEqualTo(many.size());
    assertThat(array.get(700).get("waiver").get("status").asString()).isEqualTo("active");
    assertThat(array.get(701).get("waiver").get("status").asString()).isEqualTo("none");
  }

  /**
   * A finding holds its evidence in a map of no fixed order ({@code Map.copyOf}, whose iteration
   * order changes from one JVM to the next); every text written of it must not, or two scans of the
   * same facts give two different exports and auditors see a change where there is none.
   */
  @Test
  void evidenceIsWrittenWithItsNamesSortedWhateverOrderTheFindingHoldsItIn() throws Exception {
    Map<String, Object> evidence = new java.util.HashMap<>();
    for (String name : List.of("zeta", "alpha", "mu", "source", "snapshot", "beta", "omega", "kappa", "delta", "pi",
        "epsilon", "gamma")) {
      evidence.put(name, name.length());
    }
    Finding f = new Finding(OPEN_HIGH.id(), OPEN_HIGH.ruleId(), OPEN_HIGH.pack(), OPEN_HIGH.title(), OPEN_HIGH.severity(),
        OPEN_HIGH.controls(), OPEN_HIGH.message(), OPEN_HIGH.remediation(), OPEN_HIGH.subject(), evidence,
        OPEN_HIGH.status(), false, OPEN_HIGH.firstSeen(), OPEN_HIGH.lastSeen(), null, List.of());
    List<String> sorted = new java.util.TreeMap<>(evidence).keySet().stream().toList();

    assertThat(names(json.readTree(export(ExportFormat.JSON, List.of(f))).get(0).get("evidence"))).isEqualTo(sorted);
    assertThat(names(json.readTree(export(ExportFormat.SARIF, List.of(f))).get("runs").get(0).get("results").get(0)
        .get("properties").get("evidence"))).isEqualTo(sorted);
    JsonNode run = json.readTree(export(ExportFormat.SARIF, List.of(f))).get("runs").get(0);
    assertThat(names(run.get("invocations").get(0))).as("SARIF's own small objects too").isSorted();
    assertThat(names(run.get("tool").get("driver").get("rules").get(0).get("help"))).isSorted();
    JsonNode written = json.readTree(io.aimsmonitor.fact.FactJson.MAPPER.writeValueAsString(f));
    assertThat(names(written.get("evidence"))).as("the finding as the API and `scan --format json` write it").isEqualTo(sorted);
    assertThat(written.has("sortedEvidence")).as("a view for writers, not a property").isFalse();
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.propertyNames().forEach(names::add);
    return names;
  }
}
