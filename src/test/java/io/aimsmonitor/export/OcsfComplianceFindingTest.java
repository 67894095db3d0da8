package io.aimsmonitor.export;

import static io.aimsmonitor.export.ExportSamples.ALL;
import static io.aimsmonitor.export.ExportSamples.export;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.aimsmonitor.testing.SharedReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OCSF export checked against the Compliance Finding class as OCSF defines it in
 * ../shared/reference/schemas/ocsf (required attributes, types, enum values, siblings), through a
 * JSON Schema derived from those definitions ({@link OcsfSchema}) and networknt's validator.
 */
class OcsfComplianceFindingTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private OcsfSchema ocsf;
  private Schema schema;

  @BeforeEach
  void derive() {
    Path root = SharedReference.file("schemas/ocsf/dictionary.json").getParent();
    ocsf = new OcsfSchema(root);
    ObjectNode derived = ocsf.forClass("compliance_finding");
    schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(derived);
  }

  private List<String> problems(JsonNode event) {
    List<String> out = new ArrayList<>();
    for (Error e : schema.validate(event)) {
      out.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    out.addAll(ocsf.siblingProblems(event, "compliance_finding", true, ""));
    return out;
  }

  private List<JsonNode> events() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : export(ExportFormat.OCSF, ALL).split("\n")) {
      out.add(json.readTree(line));
    }
    return out;
  }

  @Test
  void everyEventIsAValidComplianceFinding() throws Exception {
    List<JsonNode> events = events();
    assertThat(events).hasSize(ALL.size());
    JsonNode definition = ocsf.classDefinition("compliance_finding");
    for (JsonNode event : events) {
      assertThat(problems(event)).as(event.toString()).isEmpty();
      // class_uid = category_uid * 1000 + the class's uid; type_uid = class_uid * 100 + activity_id
      assertThat(event.get("class_uid").asLong() % 1000).isEqualTo(definition.get("uid").asLong());
      assertThat(event.get("category_uid").asLong()).isEqualTo(event.get("class_uid").asLong() / 1000);
      assertThat(event.get("type_uid").asLong())
          .isEqualTo(event.get("class_uid").asLong() * 100 + event.get("activity_id").asLong());
      assertThat(event.get("class_name").asString()).isEqualTo(definition.get("caption").asString());
    }
  }

  @Test
  void theMappingFollowsTheFindingsState() throws Exception {
    List<JsonNode> events = events();
    JsonNode open = events.get(0);
    assertThat(open.get("class_uid").asInt()).isEqualTo(2003);
    assertThat(open.get("activity_id").asInt()).as("never seen again: Create").isEqualTo(1);
    assertThat(open.get("severity_id").asInt()).as("high").isEqualTo(4);
    assertThat(open.get("status_id").asInt()).as("New").isEqualTo(1);
    assertThat(open.get("compliance").get("status_id").asInt()).as("Fail").isEqualTo(3);
    assertThat(open.get("compliance").get("requirements").toString()).contains("A.3.2");
    assertThat(open.get("finding_info").get("uid").asString()).isEqualTo(ExportSamples.OPEN_HIGH.id());
    assertThat(open.get("finding_info").get("src_url").asString()).startsWith("https://aims.example.com/api/findings/");
    assertThat(open.get("resources").get(0).get("data").get("url").asString()).isEqualTo(ExportSamples.OPEN_HIGH.subject().url());
    assertThat(open.get("evidences").get(0).get("data").get("snapshot").asLong()).isEqualTo(42);
    JsonNode stale = events.get(1);
    assertThat(stale.get("activity_id").asInt()).as("seen again: Update").isEqualTo(2);
    assertThat(stale.get("compliance").get("status_id").asInt()).as("stale: Warning").isEqualTo(2);
    assertThat(stale.get("resources").get(0).get("labels").get(0).asString()).isEqualTo("owner:data-team");
    JsonNode waived = events.get(2);
    assertThat(waived.get("status_id").asInt()).as("Suppressed").isEqualTo(3);
    assertThat(waived.get("status_detail").asString()).contains("carol").contains("risk accepted");
    JsonNode resolved = events.get(3);
    assertThat(resolved.get("activity_id").asInt()).as("Close").isEqualTo(3);
    assertThat(resolved.get("status_id").asInt()).as("Resolved").isEqualTo(4);
    assertThat(resolved.get("compliance").get("status_id").asInt()).as("Pass").isEqualTo(1);
  }

  @Test
  void theDerivedChecksCatchWhatTheyShould() throws Exception {
    ObjectNode event = (ObjectNode) events().get(0);
    ObjectNode missing = event.deepCopy();
    missing.remove("metadata");
    assertThat(problems(missing)).as("a required attribute").anyMatch(p -> p.contains("metadata"));
    ObjectNode badEnum = event.deepCopy();
    badEnum.put("severity_id", 7);
    assertThat(problems(badEnum)).as("an enum value").isNotEmpty();
    ObjectNode badType = event.deepCopy();
    badType.put("time", "yesterday");
    assertThat(problems(badType)).as("a type").anyMatch(p -> p.contains("time"));
    ObjectNode unknown = event.deepCopy();
    unknown.put("waiver", "active");
    assertThat(problems(unknown)).as("an attribute the class does not define").anyMatch(p -> p.contains("waiver"));
    ObjectNode sibling = event.deepCopy();
    sibling.put("severity", "Low");
    assertThat(problems(sibling)).as("a sibling caption").anyMatch(p -> p.contains("severity_id"));
    ObjectNode badCompliance = event.deepCopy();
    ((ObjectNode) badCompliance.get("compliance")).put("status_id", 9);
    assertThat(problems(badCompliance)).as("an enum inside an object").isNotEmpty();
  }
}
