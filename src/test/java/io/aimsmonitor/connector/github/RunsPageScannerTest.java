package io.aimsmonitor.connector.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast scanner reads what Jackson reads, and leaves to Jackson what it does not: every page it
 * accepts gives the same fields as {@link GithubRunsPageParser#parseWithJackson}, and every other
 * page (including every malformed one) gets Jackson's answer through {@link GithubRunsPageParser#parse}.
 */
class RunsPageScannerTest {

  /** A run with the kinds of content the scanner must skip: nested objects and arrays, escapes, UTF-8, numbers. */
  private static final String ODD_RUN = """
      {"id": 12345678901, "name": "train \u00e9t\u00e9 \ud83d\ude80", "node_id": "WFR_\\"quoted\\" and \\\\ back",
       "display_title": "fix: braces } ] { [ and \\"quotes\\" and \\u00e9 \\ud83d\\ude80 \\n\\t\\r\\b\\f\\/",
       "head_commit": {"id": "abc", "message": "line one\\nline two } ]", "author": {"name": "J\u00f6rg", "email": "j@x"},
         "nested": [[], [[{}]], [1, -2, 3.5, -0.0, 1e10, 2E-3, 6.02e+23, true, false, null, "x"]]},
       "pull_requests": [{"id": 1, "head": {"ref": "b", "repo": {"id": 2}}, "base": {}}],
       "referenced_workflows": [], "run_attempt": 0, "ratio": -12.5e-1, "flag": true, "none": null,
       "path": ".github/workflows/train.yml@refs/heads/main", "html_url": "https://github.com/acme/x/actions/runs/1",
       "head_branch": "feature/\u00fcml\u00e4ut", "head_sha": "9f2c1e4b7a0d3c5e8f1a2b3c4d5e6f708192a3b4",
       "status": "completed", "conclusion": "success", "run_started_at": "2026-05-04T09:30:00Z",
       "created_at": "2026-05-04T09:29:59Z", "updated_at": "2026-05-04T09:41:00Z",
       "repository": {"id": 1, "full_name": "acme/x", "owner": {"login": "acme", "full_name": "no"}, "topics": ["a", "}"]},
       "head_repository": {"full_name": "fork/x", "private": false}}""";

  @Test
  void recordedPagesAndAnOddRunAreReadByTheScannerAsJacksonReadsThem() throws Exception {
    for (String file : List.of("runs-page1.json", "runs-page2.json", "runs-support-llm.json")) {
      byte[] body = Files.readAllBytes(Path.of("src/test/resources/connector/github", file));
      assertThat(RunsPageScanner.parse(body)).as(file).isEqualTo(GithubRunsPageParser.parseWithJackson(body));
    }
    byte[] odd = ("{\"total_count\": 2, \"incomplete_results\": false, \"workflow_runs\": [" + ODD_RUN + ",\n\t"
        + ODD_RUN.replace("12345678901", "7") + "], \"extra\": {\"a\": [\"]\"]}}\r\n").getBytes(StandardCharsets.UTF_8);

    GithubRunsPageParser.Page page = RunsPageScanner.parse(odd); // no fallback: this is the scanner's own reading

    assertThat(page).isEqualTo(GithubRunsPageParser.parseWithJackson(odd));
    assertThat(page.totalCount()).isEqualTo(2);
    assertThat(page.runs()).hasSize(2);
    GithubMapping.RunFields run = page.runs().get(0);
    assertThat(run.id()).isEqualTo("12345678901");
    assertThat(run.name()).isEqualTo("train \u00e9t\u00e9 \ud83d\ude80");
    assertThat(run.headBranch()).isEqualTo("feature/\u00fcml\u00e4ut");
    assertThat(run.repositoryFullName()).isEqualTo("acme/x");
    assertThat(page.runs().get(1).id()).isEqualTo("7");
    // a value spelled as the previous run's is that run's string, not a new copy
    assertThat(page.runs().get(1).name()).isSameAs(run.name());
    assertThat(page.runs().get(1).repositoryFullName()).isSameAs(run.repositoryFullName());
  }

  @Test
  void keysPredictedFromThePreviousRunAreStillReadForWhatTheyAre() throws Exception {
    // the scanner expects each run's keys in the previous run's order; a run whose keys differ
    // (longer, shorter, a prefix of the expected one, another order, nested differently) is read as it is
    String first = "{\"id\": 1, \"name\": \"a\", \"status\": \"completed\", \"conclusion\": \"success\","
        + " \"repository\": {\"full_name\": \"o/r\"}}";
    List<String> seconds = List.of(
        "{\"id\": 2, \"name2\": \"b\", \"status\": \"queued\", \"conclusion\": null, \"repository\": {\"full_name\": \"o/s\"}}",
        "{\"id\": 2, \"nam\": \"b\", \"statu\": \"queued\", \"conclusio\": \"x\", \"repository\": {\"full_nam\": \"o/s\"}}",
        "{\"id\": 2, \"status\": \"queued\", \"name\": \"b\", \"repository\": {\"full_name\": \"o/s\"}, \"conclusion\": \"y\"}",
        "{\"id\": 2, \"name\": {\"status\": \"completed\", \"conclusion\": \"success\"}, \"repository\": \"o/s\"}",
        "{\"id\": 2, \"name\": \"b\", \"status\": \"completed\", \"conclusion\": \"success\", \"repository\": {\"full_name\": \"o/r\"}}");
    for (String second : seconds) {
      byte[] body = ("{\"workflow_runs\": [" + first + ", " + second + "]}").getBytes(StandardCharsets.UTF_8);
      assertThat(RunsPageScanner.parse(body)).as(second).isEqualTo(GithubRunsPageParser.parseWithJackson(body));
    }
  }

  @Test
  void whatTheScannerDoesNotReadItselfIsReadByJacksonWithTheSameResult() throws Exception {
    List<String> bodies = List.of(
        "\ufeff{\"workflow_runs\": [{\"id\": 1}]}", // byte order mark
        "{\"workflow_runs\": [{\"id\": 1, \"name\": \"say \\\"hi\\\"\"}]}", // escape in a kept value
        "{\"workflow_runs\": [{\"\\u0069d\": 1}]}", // escaped key that spells "id"
        "{\"workflow_runs\": [{\"id\": 1.5e3}]}", // fraction in a kept value
        "{\"workflow_runs\": [{\"id\": true}]}",
        "{\"total_count\": \"12\", \"workflow_runs\": [{\"id\": 1}]}",
        "{\"total_count\": null, \"workflow_runs\": [{\"id\": 1}]}",
        "{\"workflow_runs\": [{\"id\": 1, \"x\": " + "[".repeat(70) + "]".repeat(70) + "}]}", // deeper than MAX_DEPTH
        "{\"workflow_runs\": [{\"id\": 1, \"" + "k".repeat(60_000) + "\": 2}]}", // a key past Jackson's name limit
        "{\"workflow_runs\": [{\"id\": 1, \"n\": " + "9".repeat(2_000) + "}]}"); // a number past Jackson's limit
    for (String json : bodies) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> RunsPageScanner.parse(body)).as(json).isInstanceOf(RunsPageScanner.Unsupported.class);
      assertThat(outcome(() -> GithubRunsPageParser.parse(body))).as(json)
          .isEqualTo(outcome(() -> GithubRunsPageParser.parseWithJackson(body)));
    }
    assertThat(GithubRunsPageParser.parse(bodies.get(1).getBytes(StandardCharsets.UTF_8)).runs().get(0).name())
        .isEqualTo("say \"hi\"");
    assertThat(GithubRunsPageParser.parse(bodies.get(2).getBytes(StandardCharsets.UTF_8)).runs().get(0).id()).isEqualTo("1");
  }

  @Test
  void invalidJsonInSkippedValuesIsNeverAcceptedByTheScanner() {
    for (String skipped : List.of("01", "-", "1.", ".5", "1e", "+1", "tru", "nul", "truex", "\"a\u0001b\"", "\"\\x\"",
        "\"\\u12g4\"", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{1: 2}", "[1 2]", "{\"a\":1]", "[}", "NaN", "'x'",
        "\"unterminated")) {
      byte[] body = ("{\"workflow_runs\": [{\"id\": 1, \"skipped\": " + skipped + "}]}").getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> RunsPageScanner.parse(body)).as(skipped).isInstanceOf(RunsPageScanner.Unsupported.class);
      assertThatThrownBy(() -> GithubRunsPageParser.parse(body)).as(skipped)
          .isInstanceOf(GithubRunsPageParser.Malformed.class).hasMessageContaining("not valid JSON");
    }
    // bytes that are not UTF-8: a lone continuation byte, an overlong '/', a surrogate, a cut sequence
    for (byte[] bad : List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82})) {
      byte[] body = concat("{\"workflow_runs\": [{\"id\": 1, \"skipped\": \"a".getBytes(StandardCharsets.UTF_8), bad,
          "b\"}]}".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> RunsPageScanner.parse(body)).isInstanceOf(RunsPageScanner.Unsupported.class);
    }
  }

  /** Thousands of one-byte damages to a page: the parser's answer is always Jackson's, value or error. */
  @Test
  void damagedPagesGetJacksonsAnswer() throws Exception {
    byte[] page = ("{\"total_count\": 2, \"workflow_runs\": [" + ODD_RUN + ", " + ODD_RUN.replace("12345678901", "7")
        + "]}").getBytes(StandardCharsets.UTF_8);
    byte[] interesting = "{}[]\":,\\ \n0-1e.tfnu/xZ".getBytes(StandardCharsets.UTF_8);
    Random random = new Random(42);
    int scannerAccepted = 0;
    List<String> disagreements = new ArrayList<>();
    for (int n = 0; n < 4000; n++) {
      byte[] damaged = damage(page, random, interesting);
      Object expected = outcome(() -> GithubRunsPageParser.parseWithJackson(damaged));
      Object actual = outcome(() -> GithubRunsPageParser.parse(damaged));
      Object fast;
      try {
        fast = RunsPageScanner.parse(damaged);
        scannerAccepted++;
      } catch (RunsPageScanner.Unsupported e) {
        fast = expected; // Jackson decides, as checked by actual
      }
      if (!expected.equals(actual) || !expected.equals(fast)) {
        disagreements.add(new String(damaged, StandardCharsets.UTF_8) + "\n  jackson: " + expected + "\n  parse: " + actual
            + "\n  scanner: " + fast);
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(scannerAccepted).as("damages the scanner read itself (e.g. inside skipped text)").isGreaterThan(100);
  }

  private static byte[] damage(byte[] page, Random random, byte[] interesting) {
    int at = random.nextInt(page.length);
    byte b = random.nextInt(8) == 0 ? (byte) (0x80 + random.nextInt(0x80)) : interesting[random.nextInt(interesting.length)];
    return switch (random.nextInt(4)) {
      case 0 -> concat(Arrays.copyOf(page, at), Arrays.copyOfRange(page, at + 1, page.length)); // delete
      case 1 -> concat(Arrays.copyOf(page, at), new byte[] {b}, Arrays.copyOfRange(page, at, page.length)); // insert
      case 2 -> {
        byte[] copy = page.clone();
        copy[at] = b; // replace
        yield copy;
      }
      default -> Arrays.copyOf(page, at); // cut short
    };
  }

  private interface Parse {
    GithubRunsPageParser.Page parse() throws Exception;
  }

  private static Object outcome(Parse parse) {
    try {
      return parse.parse();
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void theFastTimestampReadingAgreesWithInstantParseOnEveryDayOfFourCenturies() {
    Random random = new Random(7);
    List<String> disagreements = new ArrayList<>();
    int days = 0;
    for (LocalDate day = LocalDate.of(1899, 12, 25); day.isBefore(LocalDate.of(2301, 1, 5)); day = day.plusDays(1)) {
      LocalDateTime at = day.atTime(random.nextInt(24), random.nextInt(60), random.nextInt(60));
      String text = at.toString().length() == 16 ? at + ":00Z" : at + "Z";
      Instant fast = GithubMapping.utcSeconds(text);
      if (!Instant.parse(text).equals(fast) || !at.toInstant(ZoneOffset.UTC).equals(fast)) {
        disagreements.add(text + " -> " + fast);
      }
      days++;
    }
    assertThat(days).isGreaterThan(146_000);
    assertThat(disagreements).isEmpty();
    for (String edge : List.of("0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
        "2000-02-29T12:00:00Z", "2024-02-29T23:59:59Z")) {
      assertThat(GithubMapping.utcSeconds(edge)).as(edge).isEqualTo(Instant.parse(edge));
    }
    // not GitHub's form: left to Instant.parse, which reads fractions and offsets, or refuses
    for (String other : List.of("2026-01-31T12:00:00.5Z", "2026-01-31T12:00:00.123456789Z", "2026-01-31T12:00:00+02:00",
        "2026-01-31T12:00:00-00:30", "+12026-01-31T12:00:00Z")) {
      assertThat(GithubMapping.utcSeconds(other)).as(other).isNull();
      assertThat(GithubMapping.time(other)).as(other).isEqualTo(java.time.OffsetDateTime.parse(other).toInstant());
    }
    for (String invalid : List.of("1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:60Z", "2026-0a-01T00:00:00Z")) {
      assertThat(GithubMapping.utcSeconds(invalid)).as(invalid).isNull();
      assertThat(GithubMapping.time(invalid)).as(invalid).isNull();
    }
  }
}
