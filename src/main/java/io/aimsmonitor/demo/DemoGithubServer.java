package io.aimsmonitor.demo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo company's CI history: a GitHub Actions REST API (version 2022-11-28) for the fictional
 * "Acme Analytics" organization, replayed from recorded responses in {@code demo/github/} on the
 * class path, so that the demo reads its CI evidence through the real {@code github-actions}
 * connector. Served the way GitHub serves them: the organization's repositories, workflow runs per
 * repository (newest first; {@code per_page} up to 100, default 30; {@code page}; {@code Link}
 * headers with {@code rel="next"}/{@code "last"}; {@code branch} and workflow filters), single
 * runs, and the jobs of the recorded training runs. Every response carries {@code x-ratelimit-*}
 * headers and an {@code ETag}; a matching {@code If-None-Match} gets {@code 304 Not Modified}.
 * Unknown paths get GitHub's {@code {"message": "Not Found", "documentation_url": ...}}.
 *
 * <p>Started by {@link DemoServers} for a connector with {@code baseUrl: demo://github}. Bound to
 * 127.0.0.1 only. Read-only and stateless apart from the loaded recordings.
 */
public final class DemoGithubServer extends LoopbackReplay {

  static final String RESOURCES = "demo/github/";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern ORG_REPOS = Pattern.compile("/orgs/([^/]+)/repos");
  private static final Pattern RUNS = Pattern.compile("/repos/([^/]+/[^/]+)/actions(?:/workflows/([^/]+))?/runs");
  private static final Pattern RUN = Pattern.compile("/repos/([^/]+/[^/]+)/actions/runs/(\\d+)(/jobs)?");
  private static final int PER_PAGE_DEFAULT = 30;
  private static final int PER_PAGE_MAX = 100;

  private final List<JsonNode> runs;
  private final JsonNode repositories;

  private DemoGithubServer(List<JsonNode> runs, JsonNode repositories) {
    this.runs = runs;
    this.repositories = repositories;
  }

  /**
   * Starts the demo CI API on 127.0.0.1.
   *
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @throws UncheckedIOException when the port is taken
   */
  public static DemoGithubServer start(int port) {
    List<JsonNode> runs = List.copyOf(recorded("workflow-runs.json").get("workflow_runs").values());
    JsonNode repositories = recorded("org-repos.json");
    DemoGithubServer demo = new DemoGithubServer(runs, repositories);
    demo.listen("demo GitHub Actions API", port, 2, "demo-github");
    return demo;
  }

  private record Reply(int status, JsonNode body, String link) {
    static Reply ok(JsonNode body) {
      return new Reply(200, body, null);
    }

    static Reply notFound() {
      ObjectNode body = JSON.createObjectNode();
      body.put("message", "Not Found");
      body.put("documentation_url", "https://docs.github.com/rest");
      body.put("status", "404");
      return new Reply(404, body, null);
    }

    static Reply invalid(String message) {
      ObjectNode body = JSON.createObjectNode();
      body.put("message", message);
      body.put("documentation_url", "https://docs.github.com/rest");
      body.put("status", "422");
      return new Reply(422, body, null);
    }
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Reply reply;
      try {
        reply = exchange.getRequestMethod().equals("GET") ? route(exchange.getRequestURI()) : Reply.notFound();
      } catch (RuntimeException e) {
        reply = new Reply(500, JSON.createObjectNode().put("message", "demo GitHub API: " + e.getMessage()), null);
      }
      byte[] body = JSON.writeValueAsBytes(reply.body());
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Type", "application/json; charset=utf-8");
      headers.set("X-GitHub-Api-Version-Selected", "2022-11-28");
      headers.set("x-ratelimit-limit", "5000");
      headers.set("x-ratelimit-remaining", "4999");
      headers.set("x-ratelimit-used", "1");
      headers.set("x-ratelimit-resource", "core");
      headers.set("x-ratelimit-reset", String.valueOf(Instant.now().plusSeconds(3600).getEpochSecond()));
      if (reply.link() != null) {
        headers.set("Link", reply.link());
      }
      if (reply.status() == 200) {
        String etag = etag(body);
        headers.set("ETag", etag);
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
          exchange.sendResponseHeaders(304, -1); // unchanged: no body, and free of rate limit on GitHub
          return;
        }
      }
      exchange.sendResponseHeaders(reply.status(), body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private Reply route(URI uri) {
    String path = uri.getPath();
    Map<String, String> query = query(uri);
    Matcher m;
    if ((m = ORG_REPOS.matcher(path)).matches()) {
      return m.group(1).equals("acme") ? page(uri, query, repositories.values().stream().toList(), null) : Reply.notFound();
    }
    if ((m = RUNS.matcher(path)).matches()) {
      String repository = m.group(1);
      String workflow = m.group(2);
      String branch = query.get("branch");
      List<JsonNode> matching = runs.stream()
          .filter(r -> r.path("repository").path("full_name").asString().equals(repository))
          .filter(r -> workflow == null || workflow.equals(r.path("workflow_id").asString())
              || r.path("path").asString().endsWith("/" + workflow))
          .filter(r -> branch == null || branch.equals(r.path("head_branch").asString()))
          .toList();
      if (matching.isEmpty() && !knownRepository(repository)) {
        return Reply.notFound();
      }
      return page(uri, query, matching, "workflow_runs");
    }
    if ((m = RUN.matcher(path)).matches()) {
      String repository = m.group(1);
      String id = m.group(2);
      JsonNode run = runs.stream().filter(r -> r.path("repository").path("full_name").asString().equals(repository)
          && r.path("id").asString().equals(id)).findFirst().orElse(null);
      if (run == null) {
        return Reply.notFound();
      }
      if (m.group(3) == null) {
        return Reply.ok(run);
      }
      JsonNode jobs = optional("jobs/" + id + ".json"); // id is digits only: no path tricks
      return page(uri, query, jobs == null ? List.of() : jobs.get("jobs").values().stream().toList(), "jobs");
    }
    return Reply.notFound();
  }

  private boolean knownRepository(String fullName) {
    return repositories.valueStream().anyMatch(r -> r.path("full_name").asString().equals(fullName));
  }

  /** One page of {@code items}, with GitHub's Link header; {@code field} null answers a bare array. */
  private Reply page(URI uri, Map<String, String> query, List<JsonNode> items, String field) {
    int perPage;
    int page;
    try {
      perPage = Integer.parseInt(query.getOrDefault("per_page", String.valueOf(PER_PAGE_DEFAULT)));
      page = Integer.parseInt(query.getOrDefault("page", "1"));
    } catch (NumberFormatException e) {
      return Reply.invalid("Invalid request. per_page and page must be integers.");
    }
    perPage = Math.max(1, Math.min(PER_PAGE_MAX, perPage));
    page = Math.max(1, page);
    int from = Math.min(items.size(), (page - 1) * perPage);
    int to = Math.min(items.size(), from + perPage);
    ArrayNode slice = JSON.createArrayNode();
    items.subList(from, to).forEach(slice::add);
    int last = Math.max(1, (items.size() + perPage - 1) / perPage);
    List<String> links = new ArrayList<>();
    if (page < last) {
      links.add("<" + withPage(uri, page + 1) + ">; rel=\"next\"");
      links.add("<" + withPage(uri, last) + ">; rel=\"last\"");
    }
    if (page > 1) {
      links.add("<" + withPage(uri, page - 1) + ">; rel=\"prev\"");
      links.add("<" + withPage(uri, 1) + ">; rel=\"first\"");
    }
    JsonNode body = slice;
    if (field != null) {
      ObjectNode object = JSON.createObjectNode();
      object.put("total_count", items.size());
      object.set(field, slice);
      body = object;
    }
    return new Reply(200, body, links.isEmpty() ? null : String.join(", ", links));
  }

  private String withPage(URI uri, int page) {
    StringBuilder q = new StringBuilder();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (!pair.startsWith("page=") && !pair.isEmpty()) {
          q.append(q.isEmpty() ? "" : "&").append(pair);
        }
      }
    }
    q.append(q.isEmpty() ? "" : "&").append("page=").append(page);
    return baseUrl() + uri.getRawPath() + "?" + q;
  }

  private static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "W/\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> query = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  private static JsonNode recorded(String file) {
    JsonNode node = optional(file);
    if (node == null) {
      throw new IllegalStateException("demo recording " + RESOURCES + file + " is missing from the class path");
    }
    return node;
  }

  private static JsonNode optional(String file) {
    try (InputStream in = DemoGithubServer.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
      return in == null ? null : JSON.readTree(in);
    } catch (IOException | JacksonException e) {
      throw new IllegalStateException("demo recording " + RESOURCES + file + " is unreadable", e);
    }
  }
}
