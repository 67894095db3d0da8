package io.aimsmonitor.fuzz;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local API whose answers the fuzz tests set before each try: {@code route} names the recorded
 * response for a request (or null for a 404), and the response named {@code fuzzed} is replaced by
 * the try's input. Plain JDK server on 127.0.0.1: each try costs a few local requests, not a
 * WireMock stub registration.
 */
final class PayloadServer implements AutoCloseable {

  /** A request as the route sees it. */
  record Request(String method, String path, String query, String body) {}

  interface Route {
    /** The name of the recorded response for {@code request}, or null: 404. */
    String fixture(Request request);
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Route route;
  private final java.util.function.Function<String, String> fixtures;
  private volatile String fuzzed;
  private volatile String input;

  PayloadServer(Route route, java.util.function.Function<String, String> fixtures) {
    this.route = route;
    this.fixtures = fixtures;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fuzz-payload-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** For the next try: the response named {@code fixture} is {@code body} instead. */
  void fuzz(String fixture, String body) {
    this.fuzzed = fixture;
    this.input = body;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestURI().getRawQuery(), body);
      String name = route.fixture(request);
      String answer = name == null ? null : name.equals(fuzzed) ? input : fixtures.apply(name);
      int status = answer == null ? 404 : 200;
      byte[] bytes = (answer == null ? "{\"message\":\"Not Found\"}" : answer).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
