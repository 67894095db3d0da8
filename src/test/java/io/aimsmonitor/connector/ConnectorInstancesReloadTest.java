package io.aimsmonitor.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading the connectors folder: per file, keeping the previous version of a file made invalid. */
class ConnectorInstancesReloadTest {

  @TempDir
  Path dir;

  private void write(String file, String yaml) throws Exception {
    Files.writeString(dir.resolve(file), yaml);
  }

  @Test
  void reportsAddedChangedRemovedAndKeepsThePreviousVersionOfAnInvalidFile() throws Exception {
    write("a.yaml", "id: a\ntype: file\noptions:\n  paths: [x]\n");
    write("b.yaml", "id: b\ntype: file\noptions:\n  paths: [x]\n");
    ConnectorInstances instances = ConnectorInstances.load(dir, ConnectorTypes.discover());
    assertThat(instances.changedOnDisk()).isFalse();

    write("a.yaml", "id: a\ntype: file\nschedule: \"0 0 5 * * ?\"\noptions:\n  paths: [x]\n");
    write("b.yaml", "id: b\ntype: file\nschedule: never\noptions:\n  paths: [x]\n");
    write("c.yaml", "id: c\ntype: file\noptions:\n  paths: [x]\n");
    write("d.yaml", "id: a\ntype: file\noptions:\n  paths: [x]\n");
    assertThat(instances.changedOnDisk()).isTrue();
    ConnectorInstances.ReloadReport report = instances.reload();

    assertThat(report.added()).containsExactly("c");
    assertThat(report.changed()).containsExactly("a");
    assertThat(report.removed()).isEmpty();
    assertThat(instances.find("a").orElseThrow().schedule()).isEqualTo("0 0 5 * * ?");
    assertThat(instances.find("b").orElseThrow().schedule()).as("previous version kept").isEqualTo("0 0 * * * ?");
    assertThat(report.rejected()).extracting(ConnectorInstances.Rejection::keptId).containsExactly("b", null);
    assertThat(report.rejected().get(0).problems()).singleElement().asString().contains("b.yaml: schedule:");
    assertThat(report.rejected().get(1).problems()).singleElement().asString()
        .contains("d.yaml: id: 'a' is already used by");
    assertThat(instances.changedOnDisk()).isFalse();

    Files.delete(dir.resolve("c.yaml"));
    assertThat(instances.reload().removed()).containsExactly("c");
    assertThat(instances.find("c")).isEmpty();
  }
}
