package io.aimsmonitor.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every bundled replay shares: a JDK {@link HttpServer} bound to 127.0.0.1 only, on a few
 * daemon threads, answering every path with {@link #handle}. A replay loads its recordings in its
 * constructor and then {@link #listen}s.
 */
abstract class LoopbackReplay implements DemoReplay {

  private HttpServer server;
  private ExecutorService executor;

  /**
   * Starts serving on 127.0.0.1.
   *
   * @param what the replay, as error messages name it ("demo MLflow registry")
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param threads the server's threads, named {@code threadName}
   * @throws UncheckedIOException when the port is taken
   */
  final void listen(String what, int port, int threads, String threadName) {
    // The JDK server writes a response's headers and body separately; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK hold every response back ~40 ms. The JDK reads this
    // property once, when its first server starts; an operator's own setting is left alone.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(what + " cannot listen on 127.0.0.1:" + port, e);
    }
    executor = Executors.newFixedThreadPool(threads, task -> {
      Thread t = new Thread(task, threadName);
      t.setDaemon(true);
      return t;
    });
    server = http;
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    http.start();
  }

  /** Answers one request; the exchange is the handler's to close. */
  abstract void handle(HttpExchange exchange) throws IOException;

  /** The port the server listens on. */
  public final int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>}, the {@code baseUrl} of a connector reading this replay. */
  @Override
  public final URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  public final void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
