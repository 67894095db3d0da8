package io.aimsmonitor.connector.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A successful (2xx) response with a parsed JSON body and its headers (names lower-cased), for
 * connectors that page by header ({@code Link}, GitLab's {@code x-next-page}). A response from
 * {@link ApiClient#getStreamed} has no tree ({@code body} is a missing node): its body went to a
 * streaming reader, whose value is {@code streamed}.
 */
public record ApiResponse(URI uri, int status, Map<String, List<String>> headers, JsonNode body, Object streamed) {

  public ApiResponse(URI uri, int status, Map<String, List<String>> headers, JsonNode body) {
    this(uri, status, headers, body, null);
  }

  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The {@code rel="next"} target of an RFC 8288 {@code Link} header, resolved against the request URI. */
  public Optional<URI> nextLink() {
    return link("next");
  }

  /** The target of the {@code Link} header's relation {@code rel} ({@code next}, {@code last}, ...), resolved against the request URI. */
  public Optional<URI> link(String rel) {
    return header("link").flatMap(link -> {
      for (String part : link.split(",")) {
        String[] pieces = part.split(";");
        if (pieces.length < 2) {
          continue;
        }
        for (int i = 1; i < pieces.length; i++) {
          String param = pieces[i].trim().replace(" ", "");
          if (param.equalsIgnoreCase("rel=\"" + rel + "\"") || param.equalsIgnoreCase("rel=" + rel)) {
            String target = pieces[0].trim();
            if (target.startsWith("<") && target.endsWith(">")) {
              return Optional.of(uri.resolve(target.substring(1, target.length() - 1)));
            }
          }
        }
      }
      return Optional.empty();
    });
  }
}
