package io.aimsmonitor.demo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo company's data catalog: a DataHub GMS GraphQL endpoint ({@code POST /api/graphql})
 * replaying recorded {@code Dataset} entities from {@code demo/datahub/datasets.json}. It answers
 * the {@code scrollAcrossEntities} query the datahub connector sends, paging by the {@code count}
 * and {@code scrollId} variables, and anything else the way DataHub does: HTTP 200 with an
 * {@code errors} array. Bound to 127.0.0.1 only; read-only.
 */
public final class DemoDataHubServer extends LoopbackReplay {

  private static final String RESOURCE = "demo/datahub/datasets.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_BODY = 1 << 20;

  private final List<JsonNode> datasets;

  private DemoDataHubServer(List<JsonNode> datasets) {
    this.datasets = datasets;
  }

  /**
   * Starts the demo catalog on 127.0.0.1.
   *
   * @param port the port, or 0 for any free one
   * @throws UncheckedIOException when the port is taken
   */
  public static DemoDataHubServer start(int port) {
    List<JsonNode> datasets;
    try (InputStream in = DemoDataHubServer.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("demo recording " + RESOURCE + " is missing from the class path");
      }
      datasets = List.copyOf(JSON.readTree(in).get("datasets").values());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DemoDataHubServer demo = new DemoDataHubServer(datasets);
    demo.listen("demo DataHub", port, 2, "demo-datahub");
    return demo;
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = 200;
      JsonNode reply;
      if (!exchange.getRequestURI().getPath().equals("/api/graphql")) {
        status = 404;
        reply = JSON.createObjectNode().put("message", "No endpoint at " + exchange.getRequestURI().getPath());
      } else if (!exchange.getRequestMethod().equals("POST")) {
        status = 405;
        reply = JSON.createObjectNode().put("message", "The DataHub GraphQL endpoint only supports POST requests");
      } else {
        reply = answer(exchange.getRequestBody().readNBytes(MAX_BODY));
      }
      byte[] body = JSON.writeValueAsBytes(reply);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private JsonNode answer(byte[] request) {
    JsonNode body;
    try {
      body = JSON.readTree(request);
    } catch (JacksonException e) {
      return error("Invalid JSON in request body", 400, "BAD_REQUEST");
    }
    String query = body.path("query").asString("");
    if (!query.contains("scrollAcrossEntities")) {
      return error("The demo DataHub answers only the scrollAcrossEntities query", 400, "BAD_REQUEST");
    }
    JsonNode variables = body.path("variables");
    int count = variables.path("count").asInt(10);
    if (count < 1 || count > 10_000) {
      return error("count must be between 1 and 10000", 400, "BAD_REQUEST");
    }
    int offset = 0;
    JsonNode scrollId = variables.get("scrollId");
    if (scrollId != null && !scrollId.isNull()) {
      try {
        offset = Integer.parseInt(new String(Base64.getDecoder().decode(scrollId.asString()), StandardCharsets.UTF_8)
            .replace("offset:", ""));
      } catch (IllegalArgumentException e) {
        return error("Invalid scrollId " + scrollId.asString(), 400, "BAD_REQUEST");
      }
    }
    ObjectNode scroll = JSON.createObjectNode();
    int end = Math.min(datasets.size(), offset + count);
    scroll.put("nextScrollId", end < datasets.size()
        ? Base64.getEncoder().encodeToString(("offset:" + end).getBytes(StandardCharsets.UTF_8)) : null);
    scroll.put("count", Math.max(0, end - offset));
    scroll.put("total", datasets.size());
    ArrayNode results = scroll.putArray("searchResults");
    for (int i = offset; i < end; i++) {
      results.addObject().set("entity", datasets.get(i));
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.putObject("data").set("scrollAcrossEntities", scroll);
    reply.putObject("extensions");
    return reply;
  }

  private static JsonNode error(String message, int code, String type) {
    ObjectNode reply = JSON.createObjectNode();
    ObjectNode e = reply.putArray("errors").addObject();
    e.put("message", message);
    e.putObject("extensions").put("code", code).put("type", type);
    reply.putNull("data");
    return reply;
  }
}
