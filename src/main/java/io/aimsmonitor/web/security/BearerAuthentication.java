package io.aimsmonitor.web.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Bearer tokens that are ours: API tokens ({@code aims_...}) and the Prometheus scrape token.
 * Anything else is left to the JWT provider when an issuer is configured, and refused otherwise.
 */
final class BearerAuthentication implements AuthenticationProvider {

  private final ApiTokens tokens;
  private final byte[] metricsTokenHash;
  private final boolean jwtConfigured;

  BearerAuthentication(ApiTokens tokens, String metricsToken, boolean jwtConfigured) {
    this.tokens = tokens;
    this.metricsTokenHash = metricsToken == null || metricsToken.isBlank() ? null : sha256(metricsToken);
    this.jwtConfigured = jwtConfigured;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String token = ((BearerTokenAuthenticationToken) authentication).getToken();
    if (metricsTokenHash != null && MessageDigest.isEqual(metricsTokenHash, sha256(token))) {
      return UsernamePasswordAuthenticationToken.authenticated("prometheus", null,
          AuthorityUtils.createAuthorityList(EndpointAccessManager.METRICS_AUTHORITY));
    }
    if (token.startsWith(ApiTokens.PREFIX)) {
      ApiTokens.Holder holder = tokens.authenticate(token)
          .orElseThrow(() -> new InvalidBearerTokenException("unknown, expired or revoked API token"));
      return UsernamePasswordAuthenticationToken.authenticated("token:" + holder.name(), null,
          AuthorityUtils.createAuthorityList(holder.role().authority()));
    }
    if (jwtConfigured) {
      return null; // the JWT provider decides
    }
    throw new InvalidBearerTokenException("not an API token, and no JWT issuer is configured");
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
