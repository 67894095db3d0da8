package io.aimsmonitor.connector.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Removes credentials from text that is about to become part of a message. Credentials only
 * travel in request headers, but a server or proxy may echo a request back in its error body
 * (some debugging proxies do), and a JSON parser quotes the start of a bad body; so every piece of
 * response text that reaches a message passes through here first.
 *
 * <p>Masks the whole credential and any run of at least {@value #MIN_ECHO} of its leading
 * characters, which is what a parser that truncates the token it quotes leaves behind.
 */
final class SecretMask {

  static final String MASK = "***";
  static final int MIN_ECHO = 8;
  private static final SecretMask NONE = new SecretMask(List.of());

  private final List<String> secrets;

  private SecretMask(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /**
   * The mask for an auth header {@code {name, value}}: the value, the token after a
   * {@code Bearer }/{@code Basic } scheme, and for Basic auth the decoded {@code user:password}
   * and the password alone.
   */
  static SecretMask of(String[] authHeader) {
    if (authHeader == null || authHeader[1] == null || authHeader[1].isBlank()) {
      return NONE;
    }
    String value = authHeader[1];
    List<String> secrets = new ArrayList<>();
    secrets.add(value);
    int space = value.indexOf(' ');
    if (space > 0) {
      String scheme = value.substring(0, space);
      String token = value.substring(space + 1).trim();
      secrets.add(token);
      if (scheme.equalsIgnoreCase("basic")) {
        try {
          String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
          secrets.add(decoded);
          int colon = decoded.indexOf(':');
          if (colon >= 0 && colon < decoded.length() - 1) {
            secrets.add(decoded.substring(colon + 1));
          }
        } catch (IllegalArgumentException e) {
          // not base64: the raw token is masked already
        }
      }
    }
    // longest first, so that the full header value is masked before a part of it
    secrets.removeIf(String::isBlank);
    secrets.sort((a, b) -> b.length() - a.length());
    return new SecretMask(secrets);
  }

  String apply(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secrets) {
      out = maskEchoes(out, secret);
    }
    return out;
  }

  /** Replaces every occurrence of {@code secret}, or of a prefix of it at least {@link #MIN_ECHO} long. */
  private static String maskEchoes(String text, String secret) {
    int minimum = Math.min(MIN_ECHO, secret.length());
    String start = secret.substring(0, minimum);
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    for (int at = text.indexOf(start); at >= 0; at = text.indexOf(start, from)) {
      int end = at + minimum;
      while (end < text.length() && end - at < secret.length() && text.charAt(end) == secret.charAt(end - at)) {
        end++;
      }
      out.append(text, from, at).append(MASK);
      from = end;
    }
    return out.append(text, from, text.length()).toString();
  }
}
