package io.aimsmonitor.demo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bundled demo registry: an MLflow tracking server for the fictional "Acme Analytics", so a
 * newcomer sees findings without connecting anything. It replays recorded MLflow REST API 2.0
 * responses from {@code demo/mlflow/} on the class path (six registered models, ten versions,
 * their source runs) and serves them the way an MLflow server does: the two searches page by
 * {@code max_results}/{@code page_token} (MLflow's base64 {@code {"offset": n}} tokens), honour the
 * simple {@code name} filters and {@code order_by} keys the connectors use, and unknown ids get
 * MLflow's error body {@code {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": ...}}.
 *
 * <p>Bound to 127.0.0.1 only: it is demo data, never meant to be reachable from elsewhere.
 * Read-only and stateless apart from the loaded recordings.
 */
public final class DemoMlflowServer extends LoopbackReplay {

  static final String RESOURCES = "demo/mlflow/";
  private static final String API = "/api/2.0/mlflow";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{32}");
  /** MLflow OSS limits: registered-model pages up to 1000, version pages up to 200000 (and its defaults). */
  private static final int MODELS_DEFAULT = 100;
  private static final int MODELS_MAX = 1000;
  private static final int VERSIONS_DEFAULT = 200_000;
  private static final int VERSIONS_MAX = 200_000;
  private static final Pattern NAME_FILTER = Pattern.compile(
      "\\s*name\\s*(=|!=|LIKE|ILIKE)\\s*(?:'([^']*)'|\"([^\"]*)\")\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern RUN_ID_FILTER = Pattern.compile(
      "\\s*run_id\\s*=\\s*(?:'([^']*)'|\"([^\"]*)\")\\s*", Pattern.CASE_INSENSITIVE);

  private final List<JsonNode> registeredModels;
  private final List<JsonNode> modelVersions;

  private DemoMlflowServer(List<JsonNode> registeredModels, List<JsonNode> modelVersions) {
    this.registeredModels = registeredModels;
    this.modelVersions = modelVersions;
  }

  /**
   * Starts the demo registry on 127.0.0.1.
   *
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @throws UncheckedIOException when the port is taken
   */
  public static DemoMlflowServer start(int port) {
    List<JsonNode> models = recorded("registered-models.json", "registered_models");
    List<JsonNode> versions = recorded("model-versions.json", "model_versions");
    DemoMlflowServer demo = new DemoMlflowServer(models, versions);
    demo.listen("demo MLflow registry", port, 4, "demo-mlflow");
    return demo;
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Reply reply;
      try {
        reply = route(exchange.getRequestMethod(), exchange.getRequestURI());
      } catch (BadRequest e) {
        reply = Reply.error(400, "INVALID_PARAMETER_VALUE", e.getMessage());
      } catch (RuntimeException e) {
        reply = Reply.error(500, "INTERNAL_ERROR", "demo registry: " + e.getMessage());
      }
      byte[] body = JSON.writeValueAsBytes(reply.body());
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private record Reply(int status, JsonNode body) {
    static Reply ok(JsonNode body) {
      return new Reply(200, body);
    }

    static Reply error(int status, String code, String message) {
      ObjectNode body = JSON.createObjectNode();
      body.put("error_code", code);
      body.put("message", message);
      return new Reply(status, body);
    }
  }

  /** A request MLflow would refuse with 400 INVALID_PARAMETER_VALUE. */
  private static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message);
    }
  }

  private Reply route(String method, URI uri) throws BadRequest {
    String path = uri.getPath();
    if (!path.startsWith(API + "/")) {
      return Reply.error(404, "ENDPOINT_NOT_FOUND", "No API endpoint at " + path);
    }
    if (!method.equals("GET")) {
      return Reply.error(405, "BAD_REQUEST",
          "The demo registry is read-only; " + method + " " + path + " is not served");
    }
    Map<String, List<String>> query = query(uri);
    return switch (path.substring(API.length())) {
      case "/registered-models/search" -> search(query, registeredModels, "registered_models", MODELS_DEFAULT,
          MODELS_MAX, modelFilter(first(query, "filter")), List.of("name ASC"));
      case "/model-versions/search" -> search(query, modelVersions, "model_versions", VERSIONS_DEFAULT, VERSIONS_MAX,
          versionFilter(first(query, "filter")),
          List.of("last_updated_timestamp DESC", "name ASC", "version_number DESC"));
      case "/registered-models/get" -> registeredModel(required(query, "name"));
      case "/model-versions/get" -> modelVersion(required(query, "name"), required(query, "version"));
      case "/runs/get" -> run(required(query, "run_id"));
      default -> Reply.error(404, "ENDPOINT_NOT_FOUND", "No API endpoint at " + path);
    };
  }

  private Reply search(Map<String, List<String>> query, List<JsonNode> all, String field, int defaultMax, int max,
      Predicate<JsonNode> filter, List<String> defaultOrder) throws BadRequest {
    int maxResults = defaultMax;
    String rawMax = first(query, "max_results");
    if (rawMax != null) {
      try {
        maxResults = Integer.parseInt(rawMax);
      } catch (NumberFormatException e) {
        throw new BadRequest("Invalid value for max_results: '" + rawMax + "'");
      }
      if (maxResults < 1 || maxResults > max) {
        throw new BadRequest("Invalid value for request parameter max_results. It must be at most " + max
            + ", but got value " + maxResults);
      }
    }
    List<String> orderBy = query.getOrDefault("order_by", List.of());
    List<JsonNode> matching = new ArrayList<>(all.stream().filter(filter).toList());
    matching.sort(order(orderBy.isEmpty() ? defaultOrder : withTiebreaks(orderBy)));
    int offset = offset(first(query, "page_token"));
    ObjectNode body = JSON.createObjectNode();
    if (offset < matching.size()) {
      ArrayNode page = body.putArray(field);
      matching.subList(offset, Math.min(matching.size(), offset + maxResults)).forEach(page::add);
    }
    if (offset + maxResults < matching.size()) {
      body.put("next_page_token", token(offset + maxResults));
    }
    return Reply.ok(body); // proto JSON: an empty result is {}
  }

  private Reply registeredModel(String name) {
    return registeredModels.stream().filter(m -> m.get("name").stringValue().equals(name)).findFirst()
        .map(m -> Reply.ok(JSON.createObjectNode().set("registered_model", m)))
        .orElseGet(() -> Reply.error(404, "RESOURCE_DOES_NOT_EXIST",
            "Registered Model with name=" + name + " not found"));
  }

  private Reply modelVersion(String name, String version) {
    return modelVersions.stream()
        .filter(v -> v.get("name").stringValue().equals(name) && v.get("version").stringValue().equals(version))
        .findFirst().map(v -> Reply.ok(JSON.createObjectNode().set("model_version", v)))
        .orElseGet(() -> Reply.error(404, "RESOURCE_DOES_NOT_EXIST",
            "Model Version (name=" + name + ", version=" + version + ") not found"));
  }

  private Reply run(String runId) {
    // only well-formed ids reach the class path lookup: no path tricks through run_id
    if (RUN_ID.matcher(runId).matches()) {
      try (InputStream in = resource("runs/" + runId + ".json")) {
        if (in != null) {
          return Reply.ok(JSON.readTree(in));
        }
      } catch (IOException | JacksonException e) {
        throw new IllegalStateException("demo recording runs/" + runId + ".json is unreadable", e);
      }
    }
    return Reply.error(404, "RESOURCE_DOES_NOT_EXIST", "Run with id=" + runId + " not found");
  }

  /** The filters MLflow accepts for registered models that the demo honours: {@code name = / != / LIKE / ILIKE}. */
  private static Predicate<JsonNode> modelFilter(String filter) throws BadRequest {
    if (filter == null || filter.isBlank()) {
      return m -> true;
    }
    Matcher m = NAME_FILTER.matcher(filter);
    if (!m.matches()) {
      throw new BadRequest("The demo registry supports only name =, !=, LIKE and ILIKE filters, got: " + filter);
    }
    String value = m.group(2) != null ? m.group(2) : m.group(3);
    String op = m.group(1).toUpperCase(Locale.ROOT);
    return model -> {
      String name = model.get("name").stringValue();
      return switch (op) {
        case "=" -> name.equals(value);
        case "!=" -> !name.equals(value);
        case "LIKE" -> like(value, false).matcher(name).matches();
        default -> like(value, true).matcher(name).matches();
      };
    };
  }

  /** Version filters: {@code name = '...'} and {@code run_id = '...'}, as MLflow's version search documents. */
  private static Predicate<JsonNode> versionFilter(String filter) throws BadRequest {
    if (filter == null || filter.isBlank()) {
      return v -> true;
    }
    Matcher run = RUN_ID_FILTER.matcher(filter);
    if (run.matches()) {
      String id = run.group(1) != null ? run.group(1) : run.group(2);
      return v -> v.has("run_id") && v.get("run_id").stringValue().equals(id);
    }
    return modelFilter(filter);
  }

  private static Pattern like(String pattern, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
  }

  /** MLflow breaks ties by name ascending, then version descending. */
  private static List<String> withTiebreaks(List<String> orderBy) {
    List<String> clauses = new ArrayList<>(orderBy);
    String keys = String.join(",", orderBy).toLowerCase(Locale.ROOT);
    if (!keys.contains("name")) {
      clauses.add("name ASC");
    }
    if (!keys.contains("version_number")) {
      clauses.add("version_number DESC");
    }
    return clauses;
  }

  private static Comparator<JsonNode> order(List<String> clauses) throws BadRequest {
    Comparator<JsonNode> order = (a, b) -> 0;
    for (String clause : clauses) {
      String[] parts = clause.trim().split("\\s+");
      boolean descending = parts.length > 1 && parts[1].equalsIgnoreCase("DESC");
      Comparator<JsonNode> key = switch (parts[0].toLowerCase(Locale.ROOT)) {
        case "name" -> Comparator.comparing(n -> n.get("name").stringValue());
        case "version_number" -> Comparator.comparingLong(n -> n.has("version") ? n.get("version").asLong() : 0);
        case "creation_timestamp", "timestamp" -> Comparator.comparingLong(n -> n.path("creation_timestamp").asLong());
        case "last_updated_timestamp" -> Comparator.comparingLong(n -> n.path("last_updated_timestamp").asLong());
        default -> throw new BadRequest("Invalid order by key '" + parts[0] + "' specified");
      };
      order = order.thenComparing(descending ? key.reversed() : key);
    }
    return order;
  }

  /** MLflow's page token: base64 of {@code {"offset": n}}. */
  static String token(int offset) {
    return Base64.getEncoder().encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static int offset(String token) throws BadRequest {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      JsonNode decoded = JSON.readTree(Base64.getDecoder().decode(token));
      JsonNode offset = decoded.get("offset");
      if (offset == null || !offset.isIntegralNumber() || offset.intValue() < 0) {
        throw new BadRequest("Invalid page token, offset must be a non-negative integer: " + token);
      }
      return offset.intValue();
    } catch (IllegalArgumentException | JacksonException e) {
      throw new BadRequest("Invalid page token, could not base64-decode: " + token);
    }
  }

  private static Map<String, List<String>> query(URI uri) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String first(Map<String, List<String>> query, String key) {
    List<String> values = query.get(key);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String required(Map<String, List<String>> query, String key) throws BadRequest {
    String value = first(query, key);
    if (value == null || value.isEmpty()) {
      throw new BadRequest("Missing value for required parameter '" + key + "'");
    }
    return value;
  }

  private static List<JsonNode> recorded(String file, String field) {
    try (InputStream in = resource(file)) {
      if (in == null) {
        throw new IllegalStateException("demo recording " + RESOURCES + file + " is missing from the class path");
      }
      return List.copyOf(JSON.readTree(in).get(field).values());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    return DemoMlflowServer.class.getClassLoader().getResourceAsStream(RESOURCES + name);
  }
}
