package io.aimsmonitor.web.security;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Local users in the database, with passwords hashed by Spring Security's delegating encoder
 * (bcrypt, with the algorithm named in the hash so it can be upgraded later). No method returns a
 * password or a hash to a caller outside Spring Security's login.
 */
public class LocalUsers implements UserDetailsService {

  /** The name of the first admin, created at first start. */
  public static final String FIRST_ADMIN = "admin";
  public static final int MIN_PASSWORD_LENGTH = 12;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final PasswordEncoder encoder;
  private final Clock clock;
  private final boolean loginEnabled;

  public LocalUsers(JdbcClient jdbc, PasswordEncoder encoder, Clock clock, boolean loginEnabled) {
    this.jdbc = jdbc;
    this.encoder = encoder;
    this.clock = clock;
    this.loginEnabled = loginEnabled;
  }

  /** A user as the API shows it: never the password or its hash. */
  public record UserView(String username, String role, boolean enabled, Instant createdAt, Instant updatedAt) {}

  @Override
  public UserDetails loadUserByUsername(String username) {
    if (!loginEnabled) {
      throw new UsernameNotFoundException("local users are disabled (aims.security.local-users=false)");
    }
    record Row(String hash, String role, boolean enabled) {}
    Row row = jdbc.sql("SELECT password_hash, role, enabled FROM app_user WHERE username = :u").param("u", username)
        .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getBoolean(3))).optional()
        .orElseThrow(() -> new UsernameNotFoundException("no local user '" + username + "'"));
    return User.withUsername(username).password(row.hash()).disabled(!row.enabled())
        .authorities(AuthorityUtils.createAuthorityList(Role.parse(row.role()).authority())).build();
  }

  public boolean isEmpty() {
    return jdbc.sql("SELECT COUNT(*) FROM app_user").query(Long.class).single() == 0;
  }

  public List<UserView> list() {
    return jdbc.sql("SELECT * FROM app_user ORDER BY username").query((rs, n) -> view(rs)).list();
  }

  public Optional<UserView> find(String username) {
    return jdbc.sql("SELECT * FROM app_user WHERE username = :u").param("u", username).query((rs, n) -> view(rs))
        .optional();
  }

  /** Creates a user; throws IllegalStateException when the name is taken. */
  public UserView create(String username, Role role, String password) {
    if (username == null || !NAME.matcher(username).matches()) {
      throw new IllegalArgumentException("username must be 1-100 letters, digits, '.', '_', '@' or '-', got '"
          + username + "'");
    }
    checkPassword(password);
    if (find(username).isPresent()) {
      throw new IllegalStateException("user '" + username + "' exists");
    }
    OffsetDateTime now = now();
    jdbc.sql("INSERT INTO app_user (username, password_hash, role, enabled, created_at, updated_at)"
            + " VALUES (:u, :h, :r, TRUE, :now, :now)")
        .param("u", username).param("h", encoder.encode(password)).param("r", role.label()).param("now", now).update();
    return find(username).orElseThrow();
  }

  public UserView update(String username, Role role, Boolean enabled, String password) {
    UserView current = find(username).orElseThrow(() -> new java.util.NoSuchElementException("no user '" + username + "'"));
    Role newRole = role != null ? role : Role.parse(current.role());
    boolean newEnabled = enabled != null ? enabled : current.enabled();
    boolean wasActiveAdmin = current.enabled() && Role.ADMIN.label().equals(current.role());
    if (wasActiveAdmin && (newRole != Role.ADMIN || !newEnabled)) {
      requireAnotherAdmin(username);
    }
    if (password != null) {
      checkPassword(password);
      jdbc.sql("UPDATE app_user SET password_hash = :h WHERE username = :u")
          .param("h", encoder.encode(password)).param("u", username).update();
    }
    jdbc.sql("UPDATE app_user SET role = :r, enabled = :e, updated_at = :now WHERE username = :u")
        .param("r", newRole.label()).param("e", newEnabled).param("now", now()).param("u", username).update();
    return find(username).orElseThrow();
  }

  public UserView delete(String username) {
    UserView current = find(username).orElseThrow(() -> new java.util.NoSuchElementException("no user '" + username + "'"));
    if (current.enabled() && Role.ADMIN.label().equals(current.role())) {
      requireAnotherAdmin(username);
    }
    jdbc.sql("DELETE FROM app_user WHERE username = :u").param("u", username).update();
    return current;
  }

  /** A random password of 24 URL-safe characters (144 bits). */
  public static String generatePassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private void requireAnotherAdmin(String username) {
    long others = jdbc.sql("SELECT COUNT(*) FROM app_user WHERE role = 'admin' AND enabled = TRUE AND username <> :u")
        .param("u", username).query(Long.class).single();
    if (others == 0) {
      throw new IllegalStateException("'" + username + "' is the last enabled admin: make another admin first");
    }
  }

  private static void checkPassword(String password) {
    if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
      throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD_LENGTH + " characters");
    }
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static UserView view(ResultSet rs) throws SQLException {
    return new UserView(rs.getString("username"), rs.getString("role"), rs.getBoolean("enabled"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }
}
