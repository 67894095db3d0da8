package io.aimsmonitor.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A misbehaving HTTP server on an ephemeral 127.0.0.1 port, written on raw sockets so that it can
 * do what well-behaved servers (and WireMock) will not: drip a body a byte at a time, declare a
 * length and send less, stream 200 MB, hang after accepting, or reset the connection. Every
 * request's head is recorded, so tests can check which headers reached it.
 */
public final class FaultServer implements AutoCloseable {

  /** What the server does with each request. */
  public enum Fault {
    /** Answers 200 with a small JSON body after 10 s. */
    SLOW_RESPONSE,
    /**
     * Accepts the connection and never answers, holding it until the client gives up (closes or
     * resets it): a server that kept it longer would only leak its own socket, which nothing in
     * the client can see.
     */
    HANGING,
    /** Sends headers for 100,000 bytes, then one byte every 500 ms. */
    SLOW_DRIP,
    /** Resets the connection (RST) as soon as the request arrived. */
    RESET,
    STATUS_500, STATUS_502, STATUS_503,
    /** 429 with {@code Retry-After: 3600}. */
    RATE_LIMITED_LONG,
    /** Declares 1,000 bytes, sends 10, closes. */
    TRUNCATED,
    /** 200 with an HTML page. */
    WRONG_CONTENT_TYPE,
    /** Streams 200 MB of JSON-looking bytes, chunked, with no Content-Length. */
    HUGE_STREAMED,
    /** Declares a 200 MB body in Content-Length. */
    HUGE_DECLARED,
    /** 302 to the same URL, forever. */
    REDIRECT_LOOP,
    /** 401 with a JSON error body: what the other host of a cross-host redirect answers. */
    UNAUTHORIZED,
    /** 302 to {@link #redirectTarget}. */
    REDIRECT_ELSEWHERE
  }

  private final ServerSocket socket;
  private final Fault fault;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile URI redirectTarget;
  private volatile boolean closed;

  public FaultServer(Fault fault) throws IOException {
    this.fault = fault;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "fault-server-" + fault);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** Where {@link Fault#REDIRECT_ELSEWHERE} sends clients. */
  public FaultServer redirectTo(URI target) {
    this.redirectTarget = target;
    return this;
  }

  /** Request heads received so far (request line and headers). */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = socket.accept();
        open.add(client);
        Thread t = new Thread(() -> handle(client), "fault-server-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
      String head = readHead(in);
      if (head == null) {
        return;
      }
      requests.add(head);
      String path = head.split(" ", 3).length > 1 ? head.split(" ", 3)[1] : "/";
      switch (fault) {
        case SLOW_RESPONSE -> {
          Thread.sleep(10_000);
          respond(out, 200, "application/json", "{}");
        }
        case HANGING -> in.transferTo(OutputStream.nullOutputStream()); // returns, or throws, when the client goes
        case SLOW_DRIP -> {
          write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
          for (int i = 0; i < 100_000 && !closed; i++) {
            out.write(' ');
            out.flush();
            Thread.sleep(500);
          }
        }
        case RESET -> {
          client.setSoLinger(true, 0);
          client.close();
        }
        case STATUS_500 -> respond(out, 500, "application/json", "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"boom\"}");
        case STATUS_502 -> respond(out, 502, "text/html", "<html><body>Bad Gateway</body></html>");
        case STATUS_503 -> respond(out, 503, "text/plain", "Service Unavailable");
        case RATE_LIMITED_LONG -> write(out, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Type:"
            + " application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        case TRUNCATED -> {
          write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"models\":[");
          out.flush();
        }
        case WRONG_CONTENT_TYPE -> respond(out, 200, "text/html", "<!doctype html><html><body>Sign in</body></html>");
        case HUGE_STREAMED -> {
          write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
          byte[] chunk = new byte[64 * 1024];
          java.util.Arrays.fill(chunk, (byte) ' ');
          String size = Integer.toHexString(chunk.length) + "\r\n";
          for (long sent = 0; sent < 200L * 1024 * 1024 && !closed; sent += chunk.length) {
            write(out, size);
            out.write(chunk);
            write(out, "\r\n");
          }
          write(out, "0\r\n\r\n");
        }
        case HUGE_DECLARED -> {
          write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (200L * 1024 * 1024)
              + "\r\n\r\n[");
          Thread.sleep(10_000);
        }
        case REDIRECT_LOOP -> write(out, "HTTP/1.1 302 Found\r\nLocation: " + path
            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        case UNAUTHORIZED -> respond(out, 401, "application/json", "{\"message\":\"no credentials\"}");
        case REDIRECT_ELSEWHERE -> write(out, "HTTP/1.1 302 Found\r\nLocation: " + redirectTarget + path
            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      }
      out.flush();
    } catch (IOException | InterruptedException e) {
      // the client gave up or the server closes: both expected
    } finally {
      open.remove(client);
    }
  }

  /**
   * Connections accepted and not yet closed by this server. Each holds a socket of this JVM, so a
   * harness sharing the JVM with the service (the soak) subtracts them from its file handles.
   */
  public int openConnections() {
    return open.size();
  }

  private static void respond(OutputStream out, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    write(out, "HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n");
    out.write(bytes);
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int b; (b = in.read()) != -1; ) {
      head.write(b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
