package io.aimsmonitor.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The token check's cache (issue #14): what it saves, and that it never outlives a revocation made
 * here, a revocation made elsewhere by more than {@code cacheFor}, or the token's expiry.
 */
class ApiTokensTest {

  private static final Instant T0 = Instant.parse("2026-11-01T09:00:00Z");
  private static final Duration CACHE_FOR = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(T0);

  private JdbcClient jdbc() {
    return JdbcClient.create(TestDatabases.h2File(dir));
  }

  @Test
  void aCheckedTokenIsNotReadAgainWithinTheCacheTime() {
    JdbcClient jdbc = jdbc();
    ApiTokens tokens = new ApiTokens(jdbc, clock, CACHE_FOR);
    ApiTokens.Created created = tokens.create("grafana", Role.VIEWER, T0.plus(Duration.ofDays(1)), "admin");
    assertThat(tokens.authenticate(created.secret())).map(ApiTokens.Holder::name).contains("grafana");

    // The row changes behind the cache's back, as another replica's revocation would change it.
    revokeInDatabase(jdbc, created.token().id());
    clock.advance(CACHE_FOR.minusSeconds(1));
    assertThat(tokens.authenticate(created.secret())).as("still trusted within cache-for").isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.authenticate(created.secret())).as("read again after cache-for: revoked").isEmpty();
  }

  @Test
  void aTokenRevokedHereIsRefusedAtOnceEvenWhenCached() {
    ApiTokens tokens = new ApiTokens(jdbc(), clock, CACHE_FOR);
    ApiTokens.Created kept = tokens.create("kept", Role.VIEWER, T0.plus(Duration.ofDays(1)), "admin");
    ApiTokens.Created revoked = tokens.create("ci", Role.ADMIN, T0.plus(Duration.ofDays(1)), "admin");
    assertThat(tokens.authenticate(kept.secret())).isPresent();
    assertThat(tokens.authenticate(revoked.secret())).isPresent();

    tokens.revoke(revoked.token().id());

    assertThat(tokens.authenticate(revoked.secret())).isEmpty();
    assertThat(tokens.authenticate(kept.secret())).as("other tokens stay valid").isPresent();
  }

  @Test
  void aCachedTokenStillExpiresOnTime() {
    ApiTokens tokens = new ApiTokens(jdbc(), clock, CACHE_FOR);
    ApiTokens.Created created = tokens.create("short", Role.VIEWER, T0.plusSeconds(5), "admin");
    assertThat(tokens.authenticate(created.secret())).isPresent();
    clock.advance(Duration.ofSeconds(5));
    assertThat(tokens.authenticate(created.secret())).isEmpty();
  }

  @Test
  void withoutACacheEveryCheckReadsTheToken() {
    JdbcClient jdbc = jdbc();
    ApiTokens tokens = new ApiTokens(jdbc, clock, Duration.ZERO);
    ApiTokens.Created created = tokens.create("grafana", Role.VIEWER, T0.plus(Duration.ofDays(1)), "admin");
    assertThat(tokens.authenticate(created.secret())).isPresent();
    revokeInDatabase(jdbc, created.token().id());
    assertThat(tokens.authenticate(created.secret())).isEmpty();
  }

  @Test
  void unknownSecretsAreRefusedAndLastUseIsStillRecorded() {
    JdbcClient jdbc = jdbc();
    ApiTokens tokens = new ApiTokens(jdbc, clock, CACHE_FOR);
    ApiTokens.Created created = tokens.create("grafana", Role.VIEWER, T0.plus(Duration.ofDays(1)), "admin");
    assertThat(tokens.authenticate(ApiTokens.PREFIX + "not-a-token")).isEmpty();
    assertThat(tokens.authenticate(created.secret())).isPresent();
    assertThat(tokens.find(created.token().id()).orElseThrow().lastUsedAt()).isEqualTo(T0);

    // cached calls write nothing; the first read after cache-for and the last-use precision does
    clock.advance(Duration.ofSeconds(5));
    tokens.authenticate(created.secret());
    assertThat(tokens.find(created.token().id()).orElseThrow().lastUsedAt()).isEqualTo(T0);
    clock.advance(ApiTokens.LAST_USE_PRECISION);
    tokens.authenticate(created.secret());
    assertThat(tokens.find(created.token().id()).orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
  }

  private void revokeInDatabase(JdbcClient jdbc, long id) {
    jdbc.sql("UPDATE api_token SET revoked_at = :t WHERE id = :id")
        .param("t", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).param("id", id).update();
  }
}
