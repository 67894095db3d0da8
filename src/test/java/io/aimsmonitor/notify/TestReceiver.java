package io.aimsmonitor.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver as a customer would write one, on an ephemeral port: it verifies the HMAC
 * signature, refuses timestamps more than five minutes off (replays), records what it accepted,
 * and can be told to fail or hang.
 */
final class TestReceiver implements AutoCloseable {

  record Delivery(String path, String deliveryId, String event, String body) {}

  final List<Delivery> accepted = new CopyOnWriteArrayList<>();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger rejectedSignatures = new AtomicInteger();
  volatile int failFirst;
  volatile CountDownLatch hang;
  private final HttpServer server;

  TestReceiver(byte[] secret, Clock clock) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      int n = requests.incrementAndGet();
      byte[] body = exchange.getRequestBody().readAllBytes();
      try {
        if (hang != null) {
          hang.await(60, TimeUnit.SECONDS);
        }
        int status;
        String path = exchange.getRequestURI().getPath();
        if (n <= failFirst) {
          status = 500;
        } else if (path.startsWith("/slack")) {
          accepted.add(new Delivery(path, null, null, new String(body, StandardCharsets.UTF_8)));
          status = 200;
        } else {
          String ts = exchange.getRequestHeaders().getFirst(Signature.TIMESTAMP_HEADER);
          long timestamp = ts == null ? 0 : Long.parseLong(ts);
          boolean fresh = Math.abs(clock.instant().getEpochSecond() - timestamp) <= 300;
          if (!fresh || !Signature.verify(secret, timestamp, body,
              exchange.getRequestHeaders().getFirst(Signature.SIGNATURE_HEADER))) {
            rejectedSignatures.incrementAndGet();
            status = 401;
          } else {
            accepted.add(new Delivery(path, exchange.getRequestHeaders().getFirst(Signature.DELIVERY_HEADER),
                exchange.getRequestHeaders().getFirst(Signature.EVENT_HEADER), new String(body, StandardCharsets.UTF_8)));
            status = 204;
          }
        }
        exchange.sendResponseHeaders(status, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
      } finally {
        exchange.close();
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() {
    if (hang != null) {
      hang.countDown();
    }
    server.stop(0);
  }
}
