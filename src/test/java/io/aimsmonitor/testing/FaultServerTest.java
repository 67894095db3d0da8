package io.aimsmonitor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.testing.FaultServer.Fault;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The hanging fault server holds a connection only as long as its client does. The soak found it
 * holding every connection forever: the HTTP client aborts a timed-out request with a reset, the
 * reset socket leaves the kernel's TCP table while the server's handle stays open, and the soak
 * counted one more file handle per hanging run against the service.
 */
class FaultServerTest {

  @Test
  void aHangingConnectionNeverAnswersAndIsReleasedWhenTheClientResetsIt() throws Exception {
    try (FaultServer server = new FaultServer(Fault.HANGING)) {
      Socket client = connectAndRequest(server);
      client.setSoTimeout(300);
      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      awaitOpenConnections(server, 1);

      client.setSoLinger(true, 0); // what Apache HttpClient does when it aborts a request: RST, not FIN
      client.close();

      awaitNoOpenConnections(server);
    }
  }

  @Test
  void aHangingConnectionIsReleasedWhenTheClientClosesIt() throws Exception {
    try (FaultServer server = new FaultServer(Fault.HANGING)) {
      Socket client = connectAndRequest(server);
      awaitOpenConnections(server, 1);

      client.close();

      awaitNoOpenConnections(server);
    }
  }

  @Test
  void connectionsOfAFaultThatAnswersAreReleasedOnceAnswered() throws Exception {
    try (FaultServer server = new FaultServer(Fault.STATUS_503); Socket client = connectAndRequest(server)) {
      String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 503");
      awaitNoOpenConnections(server);
    }
  }

  private static Socket connectAndRequest(FaultServer server) throws Exception {
    Socket client = new Socket(server.baseUri().getHost(), server.baseUri().getPort());
    OutputStream out = client.getOutputStream();
    out.write("GET /x HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return client;
  }

  private static void awaitNoOpenConnections(FaultServer server) throws InterruptedException {
    awaitOpenConnections(server, 0);
  }

  /** Waits for the server's handler thread to see the client's close; the bound only keeps a failure from hanging. */
  private static void awaitOpenConnections(FaultServer server, int expected) throws InterruptedException {
    Instant giveUp = Instant.now().plus(Duration.ofSeconds(30));
    while (server.openConnections() != expected && Instant.now().isBefore(giveUp)) {
      Thread.sleep(20);
    }
    assertThat(server.openConnections()).isEqualTo(expected);
  }
}
