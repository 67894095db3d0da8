package io.aimsmonitor.web.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API tokens for automation (CI, Grafana, scripts). A token is 32 random bytes behind the prefix
 * {@value #PREFIX}; only its SHA-256 is stored. A slow password hash (bcrypt) would add nothing
 * for a random 256-bit secret and would cost every API call; the hash still means a copy of the
 * database cannot be used to call the API.
 *
 * <p>A successful check is trusted for {@code cacheFor} (aims.security.tokens.cache-for, 10 s by
 * default) without reading the row again. WHY: every API call checked its token with a query,
 * and under 32 clients that read, its pool checkout and its round trip were a fifth of a findings
 * page's database work (issue #14). Revoking here drops the token from this replica's cache at
 * once; another replica, or a change to the row made outside this class, takes effect within
 * {@code cacheFor}. Failed checks are never cached, and expiry is checked on every call.
 */
public class ApiTokens {

  /** Every API token starts with this, so that it is recognisable (secret scanners, logs) and told apart from JWTs. */
  public static final String PREFIX = "aims_";
  /** Last use is written at most this often per token, so that reads do not become writes. */
  static final Duration LAST_USE_PRECISION = Duration.ofMinutes(1);
  /** Tokens kept in the cache at most; past that it starts over rather than grow. */
  static final int MAX_CACHED = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration cacheFor;
  /** Successful checks by token hash. */
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();
  /**
   * Counts revocations: a check that read its row before a revocation and finishes after it must
   * not put the token back into the cache the revocation just cleared.
   */
  private final AtomicLong revocations = new AtomicLong();

  /** A successful check: who, until when the token is valid, and when the row was read. */
  private record Checked(Holder holder, Instant expires, Instant readAt) {}

  /** @param cacheFor how long a successful check is trusted without reading the row; zero: never */
  public ApiTokens(JdbcClient jdbc, Clock clock, Duration cacheFor) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.cacheFor = cacheFor;
  }

  /** A token as the API lists it: never the token or its hash. */
  public record TokenView(long id, String name, String role, String createdBy, Instant createdAt, Instant expiresAt,
      Instant lastUsedAt, Instant revokedAt) {}

  /** A new token: the secret is in this object only, once. */
  public record Created(TokenView token, String secret) {}

  /** Who a valid token authenticates. */
  public record Holder(long id, String name, Role role) {}

  public Created create(String name, Role role, Instant expiresAt, String createdBy) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("a token needs a name of 1-200 characters");
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String hash = hash(secret);
    jdbc.sql("""
            INSERT INTO api_token (name, role, token_hash, created_by, created_at, expires_at)
            VALUES (:name, :role, :hash, :by, :now, :expires)""")
        .param("name", name.strip()).param("role", role.label()).param("hash", hash).param("by", createdBy)
        .param("now", utc(clock.instant())).param("expires", utc(expiresAt))
        .update();
    long id = jdbc.sql("SELECT id FROM api_token WHERE token_hash = :h").param("h", hash).query(Long.class).single();
    return new Created(find(id).orElseThrow(), secret);
  }

  public List<TokenView> list() {
    return jdbc.sql("SELECT * FROM api_token ORDER BY id").query((rs, n) -> view(rs)).list();
  }

  public Optional<TokenView> find(long id) {
    return jdbc.sql("SELECT * FROM api_token WHERE id = :id").param("id", id).query((rs, n) -> view(rs)).optional();
  }

  /** Revokes a token; revoking twice is harmless. Returns the token before and after. */
  public TokenView[] revoke(long id) {
    TokenView before = find(id).orElseThrow(() -> new NoSuchElementException("no token " + id));
    if (before.revokedAt() == null) {
      jdbc.sql("UPDATE api_token SET revoked_at = :now WHERE id = :id").param("now", utc(clock.instant()))
          .param("id", id).update();
    }
    revocations.incrementAndGet();
    checked.values().removeIf(c -> c.holder().id() == id);
    return new TokenView[] {before, find(id).orElseThrow()};
  }

  /**
   * The holder of a secret if it is a token that exists, has not expired and was not revoked (as
   * of at most {@code cacheFor} ago, see the class comment); records its use.
   */
  public Optional<Holder> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    String hash = hash(secret);
    Checked cached = checked.get(hash);
    if (cached != null && now.isBefore(cached.expires()) && now.isBefore(cached.readAt().plus(cacheFor))) {
      return Optional.of(cached.holder());
    }
    long revocationsBefore = revocations.get();
    record Row(long id, String name, String role, Instant expires, Instant revoked, Instant lastUsed) {}
    Optional<Row> row = jdbc.sql("SELECT id, name, role, expires_at, revoked_at, last_used_at FROM api_token"
            + " WHERE token_hash = :h").param("h", hash)
        .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5),
            instant(rs, 6))).optional();
    if (row.isEmpty() || row.get().revoked() != null || !now.isBefore(row.get().expires())) {
      checked.remove(hash);
      return Optional.empty();
    }
    Row r = row.get();
    if (r.lastUsed() == null || r.lastUsed().plus(LAST_USE_PRECISION).isBefore(now)) {
      jdbc.sql("UPDATE api_token SET last_used_at = :now WHERE id = :id").param("now", utc(now)).param("id", r.id())
          .update();
    }
    Holder holder = new Holder(r.id(), r.name(), Role.parse(r.role()));
    if (!cacheFor.isZero() && !cacheFor.isNegative()) {
      if (checked.size() >= MAX_CACHED) {
        checked.clear();
      }
      checked.put(hash, new Checked(holder, r.expires(), now));
      if (revocations.get() != revocationsBefore) {
        checked.remove(hash); // a revocation ran meanwhile: the row read above may predate it
      }
    }
    return Optional.of(holder);
  }

  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static TokenView view(ResultSet rs) throws SQLException {
    return new TokenView(rs.getLong("id"), rs.getString("name"), rs.getString("role"), rs.getString("created_by"),
        instant(rs, rs.findColumn("created_at")), instant(rs, rs.findColumn("expires_at")),
        instant(rs, rs.findColumn("last_used_at")), instant(rs, rs.findColumn("revoked_at")));
  }
}
