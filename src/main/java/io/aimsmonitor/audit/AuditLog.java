package io.aimsmonitor.audit;

import io.aimsmonitor.integrity.Chain;
import io.aimsmonitor.integrity.HashChains;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log: every state change (workflow actions, waivers, connector runs, rule reloads,
 * user and token changes) and every failed login, with who, what, when, before and after, and
 * from where. Append-only; read through {@code GET /api/audit} (admins).
 *
 * <p>Callers pass what changed; the actor and the client address come from the current security
 * context and request, so no caller can get them wrong. Outside a request (the scheduler) the
 * actor is {@code system}; the rules-folder poll records its reloads as {@code system:file-watch}. Never pass secrets (passwords, tokens, hashes):
 * {@code before} and {@code after} are stored as JSON as given.
 */
public class AuditLog {

  /** The actor of changes made outside any request: schedules, polling, start-up. */
  public static final String SYSTEM = "system";
  /** The actor of reloads started by polling the rule-pack and connector folders for changed files. */
  public static final String FILE_WATCH = SYSTEM + ":file-watch";
  /** The actor of a request that carried no valid credentials (e.g. a failed login). */
  public static final String ANONYMOUS = "anonymous";
  /** Longest before/after JSON kept; longer states are cut and marked, so one change cannot fill the table. */
  static final int MAX_STATE_CHARS = 16_384;
  private static final int MAX_LIMIT = 1000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final HashChains chains;
  private final TransactionTemplate tx;
  private final JsonMapper json = JsonMapper.builder().build();

  /** @param template its DataSource holds the log; entries are hash-chained (docs/evidence.md) */
  public AuditLog(JdbcTemplate template, Clock clock) {
    this.jdbc = JdbcClient.create(template);
    this.clock = clock;
    this.chains = new HashChains(template);
    this.tx = new TransactionTemplate(new DataSourceTransactionManager(template.getDataSource()));
  }

  /** One recorded change. {@code before} and {@code after} are JSON, or null. */
  public record Entry(long id, Instant at, String actor, String action, String target, String before, String after,
      String clientAddress) {}

  /**
   * Filters of {@link #list}; null means any. {@code action} ending in {@code .*} matches a prefix
   * ({@code user.*}).
   */
  public record Query(String action, String actor, String target, Instant from, Instant to, int limit, int offset) {
    public Query {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
      }
      if (offset < 0) {
        throw new IllegalArgumentException("offset must not be negative, got " + offset);
      }
    }
  }

  /** One page, newest first, and how many entries match. */
  public record Page(List<Entry> items, long total, int limit, int offset) {}

  /**
   * Records one change by the current actor.
   *
   * @param action what was done, dotted and lower-case: {@code connector.run}, {@code user.create}
   * @param target what it was done to: a connector id, a user name, a finding id
   * @param before the state before (null when created), serialized as JSON
   * @param after the state after (null when deleted), serialized as JSON
   */
  public void record(String action, String target, Object before, Object after) {
    recordAs(currentActor(), action, target, before, after);
  }

  /** Records a change by a named actor, e.g. a failed login whose actor is not authenticated. */
  public void recordAs(String actor, String action, String target, Object before, Object after) {
    // the entry and its place in the hash chain are one transaction: no committed entry is unchained
    tx.executeWithoutResult(status -> {
      jdbc.sql("""
              INSERT INTO audit_event (at, actor, action, target, before_state, after_state, client_address)
              VALUES (:at, :actor, :action, :target, :before, :after, :address)""")
          .param("at", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
          .param("actor", cut(actor, 200))
          .param("action", cut(action, 100))
          .param("target", cut(target, 1000))
          .param("before", toJson(before))
          .param("after", toJson(after))
          .param("address", cut(clientAddress(), 100))
          .update();
      chains.seal(Chain.AUDIT_EVENT);
    });
  }

  public Page list(Query q) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    Map<String, Object> params = new LinkedHashMap<>();
    if (q.action() != null) {
      if (q.action().endsWith(".*")) {
        where.append(" AND action LIKE :action");
        params.put("action", q.action().substring(0, q.action().length() - 1).replace("%", "") + "%");
      } else {
        where.append(" AND action = :action");
        params.put("action", q.action());
      }
    }
    if (q.actor() != null) {
      where.append(" AND actor = :actor");
      params.put("actor", q.actor());
    }
    if (q.target() != null) {
      where.append(" AND target = :target");
      params.put("target", q.target());
    }
    if (q.from() != null) {
      where.append(" AND at >= :from");
      params.put("from", OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC));
    }
    if (q.to() != null) {
      where.append(" AND at < :to");
      params.put("to", OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC));
    }
    long total = jdbc.sql("SELECT COUNT(*) FROM audit_event" + where).params(params).query(Long.class).single();
    List<Entry> items = new ArrayList<>(jdbc.sql("SELECT * FROM audit_event" + where
            + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
        .params(params).param("limit", q.limit()).param("offset", q.offset())
        .query((rs, n) -> entry(rs)).list());
    return new Page(items, total, q.limit(), q.offset());
  }

  /** The authenticated name of the current request, {@value #ANONYMOUS} in an unauthenticated request, else {@value #SYSTEM}. */
  public static String currentActor() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken)) {
      return auth.getName();
    }
    HttpServletRequest request = currentRequest();
    if (request != null && request.getUserPrincipal() != null) {
      return request.getUserPrincipal().getName(); // a container- or test-authenticated request
    }
    return request == null ? SYSTEM : ANONYMOUS;
  }

  private static String clientAddress() {
    HttpServletRequest request = currentRequest();
    return request == null ? null : request.getRemoteAddr();
  }

  private static HttpServletRequest currentRequest() {
    return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
        ? attributes.getRequest() : null;
  }

  private String toJson(Object state) {
    if (state == null) {
      return null;
    }
    String text = json.writeValueAsString(state);
    if (text.length() > MAX_STATE_CHARS) {
      return json.writeValueAsString(Map.of("truncated", true, "prefix", text.substring(0, MAX_STATE_CHARS)));
    }
    return text;
  }

  private static String cut(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
    return new Entry(rs.getLong("id"), at.toInstant(), rs.getString("actor"), rs.getString("action"),
        rs.getString("target"), rs.getString("before_state"), rs.getString("after_state"),
        rs.getString("client_address"));
  }
}
