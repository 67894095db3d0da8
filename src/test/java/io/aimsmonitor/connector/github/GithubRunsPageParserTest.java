package io.aimsmonitor.connector.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.connector.http.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The streaming page parser maps every run exactly as the tree mapping does. */
class GithubRunsPageParserTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void everyRecordedPageMapsToTheSameFactsAsTheTreeMapping() throws Exception {
    for (String file : List.of("runs-page1.json", "runs-page2.json", "runs-support-llm.json")) {
      byte[] body = Files.readAllBytes(Path.of("src/test/resources/connector/github", file));
      JsonNode tree = ApiClient.JSON.readTree(body);
      List<Object> expected = new ArrayList<>();
      for (JsonNode run : tree.get("workflow_runs")) {
        expected.add(GithubMapping.run("gh", NOW, "acme/fallback", run));
      }

      GithubRunsPageParser.Page page = parse(body);

      assertThat(page.runs()).as(file).isNotEmpty();
      assertThat(page.runs().stream().map(r -> (Object) GithubMapping.run("gh", NOW, "acme/fallback", r)).toList())
          .as(file).isEqualTo(expected);
      assertThat(page.totalCount()).isEqualTo(tree.path("total_count").asLong(0));
    }
  }

  @Test
  void oddValuesReadAsTheTreeMappingReadsThem() throws Exception {
    String json = """
        {"workflow_runs": [{"id": 7, "name": "  ", "path": ".github/workflows/ci.yml", "status": "completed",
          "conclusion": {"nested": true}, "head_sha": null, "head_branch": ["x"], "run_started_at": "not a time",
          "created_at": "2026-01-01T10:00:00Z", "updated_at": "2026-01-01T10:05:00Z", "extra": {"a": [1, {"b": 2}]},
          "repository": {"id": 1, "owner": {"full_name": "not/this"}, "full_name": "acme/real"}}],
         "total_count": "12"}""";
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
    JsonNode run = ApiClient.JSON.readTree(body).get("workflow_runs").get(0);

    var page = parse(body);

    assertThat(GithubMapping.run("gh", NOW, "acme/other", page.runs().get(0)))
        .isEqualTo(GithubMapping.run("gh", NOW, "acme/other", run));
    assertThat(page.runs().get(0).repositoryFullName()).isEqualTo("acme/real");
    assertThat(page.totalCount()).isEqualTo(12);
  }

  @Test
  void malformedPagesAreRefusedWithWhatWasExpected() {
    for (String body : List.of("", "[]", "{\"total_count\": 1}", "{\"workflow_runs\": {\"id\": 1}}",
        "{\"workflow_runs\": [1]}", "{\"workflow_runs\": [{\"name\": \"no id\"}]}")) {
      assertThatThrownBy(() -> parse(body.getBytes(StandardCharsets.UTF_8)))
          .as(body).isInstanceOf(GithubRunsPageParser.Malformed.class)
          .hasMessageContaining("workflow");
    }
    assertThatThrownBy(() -> parse("<html>secret-ish</html>".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not valid JSON").hasMessageNotContaining("secret");
    assertThatThrownBy(() -> parse("{\"workflow_runs\": []} trailing".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void aStreamThatFailsMidBodyIsAnIOErrorNotMalformedJson() {
    byte[] start = "{\"total_count\": 2, \"workflow_runs\": [{\"id\": 1, \"name\": \"ci\"}, {\"id\": 2,".getBytes(
        StandardCharsets.UTF_8);
    java.io.InputStream cut = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(start),
        new java.io.InputStream() {
          @Override
          public int read() throws java.io.IOException {
            throw new java.net.SocketException("Connection reset");
          }
        });

    // an I/O fault is the connection's (the client retries it); only bad JSON is "malformed"
    assertThatThrownBy(() -> GithubRunsPageParser.parse(cut)).isInstanceOf(java.net.SocketException.class)
        .hasMessage("Connection reset");
  }

  private static GithubRunsPageParser.Page parse(byte[] body) throws Exception {
    return GithubRunsPageParser.parse(new java.io.ByteArrayInputStream(body));
  }

  @Test
  void githubsTimestampsReadFastAsInstantParseReadsThem() {
    for (String t : List.of("2026-01-31T12:00:00Z", "2024-02-29T23:59:59Z", "1999-12-31T00:00:00Z", "2020-06-01T09:05:07Z")) {
      assertThat(GithubMapping.utcSeconds(t)).as(t).isEqualTo(Instant.parse(t));
      assertThat(GithubMapping.time(t)).isEqualTo(Instant.parse(t));
    }
    for (String other : List.of("2026-02-30T12:00:00Z", "2026-13-01T00:00:00Z", "2026-01-31T24:00:00Z",
        "2026-01-31T12:00:00.123Z", "2026-01-31T12:00:00+01:00", "2026-01-31 12:00:00Z", "x026-01-31T12:00:00Z")) {
      assertThat(GithubMapping.utcSeconds(other)).as(other).isNull();
    }
    assertThat(GithubMapping.time("2026-01-31T12:00:00.123Z")).isEqualTo(Instant.parse("2026-01-31T12:00:00.123Z"));
    assertThat(GithubMapping.time("2026-02-30T12:00:00Z")).isNull();
  }
}
