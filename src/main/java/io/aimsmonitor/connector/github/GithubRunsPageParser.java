package io.aimsmonitor.connector.github;

import io.aimsmonitor.connector.github.GithubMapping.RunFields;
import io.aimsmonitor.connector.http.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.JacksonIOException;

/**
 * Reads a page of a workflow-runs listing ({@code {"total_count": n, "workflow_runs": [...]}})
 * with Jackson's streaming parser, straight into the few fields the mapping uses.
 *
 * <p>WHY: a GitHub run object carries two nested repository objects, the head commit and dozens
 * of URLs; building a JSON tree of all that and then reading 12 fields out of it made a full
 * collection 2.5x the raw fetch of the same pages (issue #12). Skipping what is not wanted at
 * the token level keeps the allocation to the fields that become facts.
 *
 * <p>A well-formed page is read by {@link RunsPageScanner} straight from its bytes, at about 60% of
 * the CPU of Jackson's tokenizer; Jackson reads every page the scanner gives up on, so every
 * malformed or unusual page gets exactly the answer it got before.
 */
final class GithubRunsPageParser {

  /** What a page holds: its runs' fields and GitHub's {@code total_count}. */
  record Page(List<RunFields> runs, long totalCount) {}

  /** A body that is not the expected page; the message says what was expected. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private GithubRunsPageParser() {}

  /**
   * Reads a page. An I/O failure of the stream (the connection, or the response size limit) is
   * thrown as that {@link IOException}, not reported as malformed JSON.
   *
   * <p>The body is read whole first (it is bounded by {@code http.maxResponseBytes}, as every other
   * response body is) so that {@link RunsPageScanner} can read it in place, and so that Jackson can
   * read the same bytes again when the scanner gives up.
   */
  static Page parse(InputStream body) throws Malformed, IOException {
    return parse(body.readAllBytes());
  }

  /** A page from its bytes: the fast scanner, or Jackson for anything the scanner leaves to it. */
  static Page parse(byte[] body) throws Malformed, IOException {
    try {
      return RunsPageScanner.parse(body);
    } catch (RunsPageScanner.Unsupported e) {
      return parseWithJackson(body);
    }
  }

  /** The page as Jackson's streaming parser reads it; it decides on every page the scanner does not read. */
  static Page parseWithJackson(byte[] body) throws Malformed, IOException {
    try (JsonParser p = ApiClient.JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Malformed("expected an object with a workflow_runs array");
      }
      List<RunFields> runs = null;
      long total = 0;
      String name;
      while ((name = p.nextName()) != null) {
        JsonToken value = p.nextToken();
        switch (name) {
          case "total_count" -> total = value.isScalarValue() ? p.getValueAsLong(0) : skip(p, 0L);
          case "workflow_runs" -> {
            if (value != JsonToken.START_ARRAY) {
              throw new Malformed("expected an object with a workflow_runs array");
            }
            runs = runs(p);
          }
          default -> p.skipChildren();
        }
      }
      if (runs == null) {
        throw new Malformed("expected an object with a workflow_runs array");
      }
      if (p.nextToken() != null) {
        throw new Malformed("is not valid JSON: trailing content after the object");
      }
      return new Page(runs, total);
    } catch (JacksonIOException e) {
      throw e.getCause() != null ? e.getCause() : new IOException(e.getMessage());
    } catch (JacksonException e) {
      // the position only: the parser's message quotes the body, which may echo a secret
      var at = e.getLocation();
      throw new Malformed("is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column "
          + at.getColumnNr() + ")"));
    }
  }

  private static <T> T skip(JsonParser p, T result) {
    p.skipChildren();
    return result;
  }

  private static List<RunFields> runs(JsonParser p) throws Malformed {
    List<RunFields> runs = new ArrayList<>(100);
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.START_OBJECT) {
        throw new Malformed("a workflow run without an id");
      }
      RunFields run = run(p);
      if (run.id() == null) {
        throw new Malformed("a workflow run without an id");
      }
      runs.add(run);
    }
    return runs;
  }

  /** One run object, the parser on its START_OBJECT; leaves it on the matching END_OBJECT. */
  private static RunFields run(JsonParser p) {
    String id = null, runName = null, path = null, htmlUrl = null, headBranch = null, headSha = null;
    String status = null, conclusion = null;
    java.time.Instant runStartedAt = null, createdAt = null, updatedAt = null;
    String repository = null;
    String name;
    while ((name = p.nextName()) != null) {
      p.nextToken();
      switch (name) {
        case "id" -> id = text(p);
        case "name" -> runName = text(p);
        case "path" -> path = text(p);
        case "html_url" -> htmlUrl = text(p);
        case "head_branch" -> headBranch = text(p);
        case "head_sha" -> headSha = text(p);
        case "status" -> status = text(p);
        case "conclusion" -> conclusion = text(p);
        case "run_started_at" -> runStartedAt = GithubMapping.time(text(p));
        case "created_at" -> createdAt = GithubMapping.time(text(p));
        case "updated_at" -> updatedAt = GithubMapping.time(text(p));
        case "repository" -> repository = fullName(p);
        default -> p.skipChildren();
      }
    }
    return new RunFields(id, runName, path, htmlUrl, headBranch, headSha, status, conclusion, runStartedAt,
        createdAt, updatedAt, repository);
  }

  /** {@code full_name} of a repository object; null for anything else. */
  private static String fullName(JsonParser p) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String fullName = null;
    String name;
    while ((name = p.nextName()) != null) {
      p.nextToken();
      if (name.equals("full_name")) {
        fullName = text(p);
      } else {
        p.skipChildren();
      }
    }
    return fullName;
  }

  /** The current value as {@code JsonFields.text} reads a node: a scalar as text, else (and blank) null. */
  private static String text(JsonParser p) {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    if (t == JsonToken.VALUE_NULL || t == null) {
      return null;
    }
    String s = p.getString();
    return s == null || s.isBlank() ? null : s;
  }
}
