package io.aimsmonitor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.cli.AimsCommand;
import io.aimsmonitor.fact.FactJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * A scan of the bundled demo reads the demo company's data catalog from the replayed DataHub and
 * its Airflow lineage from OpenLineage events sent through the official client, and the data
 * rules follow a production model to its training data across both: the holdout set's missing
 * owner and failing checks (one recorded in DataHub, one reported by an OpenLineage assertion) are
 * findings, while its lineage, which only OpenLineage knows, counts.
 */
class DemoCatalogScanTest {

  @Test
  void theDemoScanFollowsAProductionModelToItsTrainingDataAcrossCatalogAndLineage() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.execute("scan", "--connectors", "connectors", "--rules", "rules", "--format", "json");

    JsonNode findings = FactJson.MAPPER.readTree(out.toString()).get("findings");
    assertThat(findings).as(err.toString()).isNotNull();
    List<String> data = new ArrayList<>();
    JsonNode failing = null;
    for (JsonNode f : findings) {
      String rule = f.get("ruleId").asString();
      String subject = f.get("subject").get("key").asString();
      if (rule.startsWith("data.")) {
        data.add(rule + " " + subject);
      }
      if (rule.equals("data.quality-checks-passing") && subject.endsWith("applications_holdout_2026q1")) {
        failing = f;
      }
    }
    String holdout = "demo-datahub:lending.applications_holdout_2026q1";
    assertThat(data).contains("data.dataset-has-owner " + holdout, "data.quality-checks-passing " + holdout);
    assertThat(failing.get("message").asString())
        .as("a check failing in DataHub and one failing in an OpenLineage assertion, on the same dataset")
        .contains("row_count_min").contains("expect_row_count_at_least_10000");
    // DataHub records no upstream for the lending datasets; the OpenLineage jobs that build them do
    assertThat(data).noneMatch(s -> s.startsWith("data.dataset-lineage-known demo-datahub:lending."));
    // every dataset finding is reported once, under the catalog's identity, not again for the lineage copy
    assertThat(data).noneMatch(s -> s.contains(" demo-lineage:"));
  }
}
