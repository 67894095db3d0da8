package io.aimsmonitor.integrity;

import io.aimsmonitor.store.PostgresCopy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hash chains of finding events, waiver state changes and the audit log (docs/evidence.md).
 *
 * <p>Writers insert their rows as before and then call {@link #seal} in the same transaction: it
 * locks the chain's head row, gives every row not yet chained, in id order, the next sequence
 * number, the previous entry's hash and its own hash, and moves the head. Chain order is seal
 * order, not id order, because on PostgreSQL two transactions may commit in the opposite order to
 * the ids they drew; the head lock makes the sequence strict on H2 and across replicas alike.
 *
 * <p>An entry's hash is SHA-256 over a canonical JSON serialisation: chain name, sequence number,
 * previous hash and the chained columns ({@link Chain#columns()}) in a fixed order, timestamps as
 * ISO-8601 UTC to the microsecond (what PostgreSQL keeps), text as stored, NULL as JSON null.
 *
 * <p>The transactions it runs in are those of the {@link DataSource} it was made from: writers
 * that build one from their own {@link JdbcTemplate} join their own transaction.
 */
public class HashChains {

  /** The previous hash of each chain's first entry. */
  public static final String GENESIS = "0".repeat(64);

  private static final int CHUNK = 1000;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate tx;
  private volatile Vendor vendor;

  public HashChains(JdbcTemplate template) {
    DataSource dataSource = Objects.requireNonNull(template.getDataSource(), "a JdbcTemplate with a DataSource");
    this.jdbc = JdbcClient.create(template);
    this.template = template;
    // A manager over the same DataSource joins a transaction already open on it (Spring binds by DataSource).
    this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /**
   * Chains every row of {@code chain} not chained yet; joins the caller's transaction if there is one.
   *
   * <p>WHY in this shape (issue #14: sealing 100,000 new finding events was a third of a 34 s
   * reconciliation on PostgreSQL): the unchained ids are read once through the {@code chain_seq}
   * index, then each chunk's rows by a primary-key range, so no query re-reads every unchained row;
   * and each chunk's links are written as one JDBC batch instead of one round trip per row.
   */
  public void seal(Chain chain) {
    tx.executeWithoutResult(status -> {
      Head head = lockHead(chain);
      moveHead(chain, head, chainUnchained(chain, head));
    });
  }

  /**
   * Inserts rows into a chained table, chained, in the order given: the same entries as inserting
   * them and then calling {@link #seal}. Joins the caller's transaction if there is one.
   *
   * <p>WHY: the rows are inserted with their links, their ids drawn beforehand (as the column's
   * default would draw them), so nothing is read back or updated; sealing afterwards wrote a second
   * version of every row and of its index entries, a fifth of PostgreSQL's work when 100,000
   * findings open at once, and on H2 a fifth of the store's CPU plus as many undo-log entries again
   * for the commit to walk (issue #14). On PostgreSQL the ids come from the table's identity
   * sequence; on H2 ({@link #h2Ids}) the identity is moved past the ids taken, under the chain's
   * head lock. Each {@code at} is rounded to the microsecond as both databases round it when
   * storing, so that the hash covers the value {@link #verify} reads back. On other databases, or an
   * H2 user that may not alter the table, the rows are inserted, then sealed.
   *
   * @param rows per row, the value of each of the chain's columns except {@code id}: {@code at} an
   *     {@link Instant}, the others text (or null)
   */
  public void append(Chain chain, List<Map<String, Object>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<String> columns = chain.columns().stream().filter(c -> !c.equals("id")).toList();
    String placeholders = String.join(",", java.util.Collections.nCopies(columns.size(), "?"));
    tx.executeWithoutResult(status -> {
      Vendor vendor = vendor();
      if (vendor == Vendor.OTHER) {
        template.batchUpdate("INSERT INTO " + chain.table() + " (" + String.join(", ", columns) + ") VALUES ("
            + placeholders + ")", rows.stream().map(r -> columns.stream().map(c -> stored(c, r.get(c))).toArray()).toList());
        seal(chain);
        return;
      }
      Head head = lockHead(chain);
      Head last = chainUnchained(chain, head); // rows a writer left unchained come first, as seal would put them
      List<Long> ids = vendor == Vendor.POSTGRES ? postgresIds(chain, rows.size()) : h2Ids(chain, rows.size());
      long seq = last.seq();
      String prev = last.hash();
      List<String> insertColumns = new ArrayList<>();
      insertColumns.add("id");
      insertColumns.addAll(columns);
      insertColumns.addAll(List.of("chain_seq", "prev_hash", "row_hash"));
      String insert = "INSERT INTO " + chain.table() + " (" + String.join(", ", insertColumns) + ") VALUES (?,"
          + placeholders + ",?,?,?)";
      List<Object[]> values = new ArrayList<>();
      // on PostgreSQL one COPY for every row (see PostgresCopy), elsewhere JDBC batches of CHUNK rows
      PostgresCopy.Rows copy = vendor == Vendor.POSTGRES ? PostgresCopy.open(template, chain.table(), insertColumns) : null;
      for (int i = 0; i < rows.size(); i++) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", ids.get(i));
        Object[] row = new Object[columns.size() + 4];
        row[0] = ids.get(i);
        for (int c = 0; c < columns.size(); c++) {
          String column = columns.get(c);
          Object value = stored(column, rows.get(i).get(column));
          row[c + 1] = value;
          content.put(column, value instanceof OffsetDateTime t ? t.toInstant().toString() : value);
        }
        seq++;
        String hash = hash(chain, seq, prev, content);
        row[columns.size() + 1] = seq;
        row[columns.size() + 2] = prev;
        row[columns.size() + 3] = hash;
        prev = hash;
        if (copy != null) {
          copy.add(row);
          continue;
        }
        values.add(row);
        if (values.size() == CHUNK || i == rows.size() - 1) { // batches of CHUNK: the rows of one at a time
          template.batchUpdate(insert, values);
          values = new ArrayList<>();
        }
      }
      if (copy != null) {
        copy.finish();
      }
      moveHead(chain, head, new Head(seq, prev));
    });
  }

  /** {@code n} ids drawn from the table's identity sequence, as its default would draw them, ascending. */
  private List<Long> postgresIds(Chain chain, int n) {
    String sequence = jdbc.sql("SELECT pg_get_serial_sequence(?, 'id')").param(chain.table()).query(String.class)
        .single();
    List<Long> ids = new ArrayList<>(jdbc.sql("SELECT nextval(CAST(? AS regclass)) FROM generate_series(1, ?)")
        .params(sequence, n).query(Long.class).list());
    java.util.Collections.sort(ids);
    return ids;
  }

  /**
   * {@code n} consecutive ids for the chain's table on H2, taken while the caller holds the chain's
   * head lock: from the identity's next value (or past the largest id, if a row was inserted with
   * an explicit one), and the identity restarted after them. H2 runs that {@code ALTER} inside the
   * open transaction without committing it (like a sequence, the restart itself is not rolled
   * back: a failed append leaves a gap in the ids, as a PostgreSQL sequence does). Every writer of
   * a chained table appends under the head lock, so no other writer draws an id in between; a row
   * inserted outside aims-monitor that took one of these ids makes the insert fail, and the whole
   * transaction with it.
   */
  private List<Long> h2Ids(Chain chain, int n) {
    String table = chain.table().toUpperCase(java.util.Locale.ROOT);
    long next = jdbc.sql("SELECT IDENTITY_BASE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = SCHEMA()"
        + " AND TABLE_NAME = ? AND COLUMN_NAME = 'ID'").param(table).query(Long.class).single();
    long max = jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM " + chain.table()).query(Long.class).single();
    long first = Math.max(next, max + 1);
    template.execute("ALTER TABLE " + chain.table() + " ALTER COLUMN id RESTART WITH " + (first + n));
    List<Long> ids = new ArrayList<>(n);
    for (long id = first; id < first + n; id++) {
      ids.add(id);
    }
    return ids;
  }

  /** A value as the table stores it: {@code at} rounded half up to the microsecond, text as given. */
  private static Object stored(String column, Object value) {
    if (column.equals("at")) {
      Instant at = (Instant) value;
      return OffsetDateTime.ofInstant(at.plusNanos(500).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
    return value == null ? null : (String) value;
  }

  private enum Vendor { POSTGRES, H2, OTHER }

  /**
   * How {@link #append} draws ids: PostgreSQL from the identity sequence; H2 by restarting the
   * identity, which needs the right to alter the table (an admin: the embedded database's creator);
   * otherwise not at all (insert, then seal).
   */
  private Vendor vendor() {
    Vendor known = vendor;
    if (known == null) {
      String product = template.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
      known = "PostgreSQL".equals(product) ? Vendor.POSTGRES : "H2".equals(product) && h2Admin() ? Vendor.H2 : Vendor.OTHER;
      vendor = known;
    }
    return known;
  }

  private boolean h2Admin() {
    try {
      return Boolean.TRUE.equals(jdbc.sql("SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = CURRENT_USER")
          .query(Boolean.class).optional().orElse(false));
    } catch (org.springframework.dao.DataAccessException e) {
      return false;
    }
  }

  /** Locks the chain's head row until the transaction ends: one writer extends a chain at a time. */
  private Head lockHead(Chain chain) {
    return jdbc.sql("SELECT last_seq, last_hash FROM hash_chain WHERE name = ? FOR UPDATE")
        .param(chain.table()).query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).optional()
        .orElseThrow(() -> new IllegalStateException("hash_chain has no row for " + chain.table()
            + ": the V85 migration did not run"));
  }

  /** Chains the rows not chained yet after {@code head}, in id order; returns the new last entry. */
  private Head chainUnchained(Chain chain, Head head) {
    long seq = head.seq();
    String prev = head.hash();
    List<Long> unchained = jdbc.sql("SELECT id FROM " + chain.table() + " WHERE chain_seq IS NULL ORDER BY id")
        .query(Long.class).list();
    for (int i = 0; i < unchained.size(); i += CHUNK) {
      List<Long> ids = unchained.subList(i, Math.min(unchained.size(), i + CHUNK));
      List<Map<String, Object>> rows = jdbc.sql("SELECT " + String.join(", ", chain.columns()) + " FROM "
              + chain.table() + " WHERE id >= ? AND id <= ? AND chain_seq IS NULL ORDER BY id")
          .params(ids.get(0), ids.get(ids.size() - 1)).query((rs, n) -> content(chain, rs)).list();
      List<Object[]> links = new ArrayList<>(rows.size());
      for (Map<String, Object> row : rows) {
        seq++;
        String hash = hash(chain, seq, prev, row);
        links.add(new Object[] {seq, prev, hash, row.get("id")});
        prev = hash;
      }
      template.batchUpdate("UPDATE " + chain.table() + " SET chain_seq = ?, prev_hash = ?, row_hash = ? WHERE id = ?",
          links);
    }
    return new Head(seq, prev);
  }

  private void moveHead(Chain chain, Head from, Head to) {
    if (to.seq() != from.seq()) {
      jdbc.sql("UPDATE hash_chain SET last_seq = ?, last_hash = ? WHERE name = ?").params(to.seq(), to.hash(),
          chain.table()).update();
    }
  }

  /**
   * Appends the waiver's current row, as stored, to the waiver chain. Call after each insert or
   * update of a waiver, in its transaction.
   *
   * @param change what happened: {@code requested}, {@code approved}, {@code revoked}, {@code existing}
   */
  public void recordWaiver(String waiverId, String change, Instant at) {
    tx.executeWithoutResult(status -> {
      Map<String, Object> state = waiverState(waiverId);
      if (state == null) {
        throw new IllegalStateException("waiver " + waiverId + " does not exist");
      }
      jdbc.sql("INSERT INTO waiver_change (waiver_id, at, change_type, state) VALUES (?, ?, ?, ?)")
          .params(waiverId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), change, JSON.writeValueAsString(state))
          .update();
      seal(Chain.WAIVER_CHANGE);
    });
  }

  /**
   * Starts the chains over rows written before they existed (the documented genesis): chains every
   * unchained row in id order and records each waiver that has no chained state as {@code existing}.
   * Run once at start-up; afterwards writers seal their own rows.
   */
  public void adoptExisting(Instant now) {
    tx.executeWithoutResult(status -> {
      seal(Chain.FINDING_EVENT);
      seal(Chain.AUDIT_EVENT);
      List<String> unrecorded = jdbc.sql("SELECT id FROM waiver w WHERE NOT EXISTS"
          + " (SELECT 1 FROM waiver_change c WHERE c.waiver_id = w.id) ORDER BY requested_at, id")
          .query(String.class).list();
      unrecorded.forEach(id -> recordWaiver(id, "existing", now));
      seal(Chain.WAIVER_CHANGE);
    });
  }

  // --- verification --------------------------------------------------------------------------

  /**
   * The first broken link of one check.
   *
   * @param table the table holding the entry at fault
   * @param id the row's id ({@code waiver}: the waiver id); null when the entry is gone
   * @param seq its place in the chain, when it has one
   * @param problem what differs, in a sentence
   */
  public record Break(String table, String id, Long seq, String problem) {}

  /**
   * One chain (or the waiver rows against their chained states) as checked.
   *
   * @param entries entries (rows) checked
   * @param head the hash of the last entry
   * @param firstBreak the first broken link; null when intact
   */
  public record ChainStatus(String table, long entries, String head, Break firstBreak) {
    public boolean intact() {
      return firstBreak == null;
    }
  }

  /** Every check; {@code intact} when none found a broken link. */
  public record Report(boolean intact, List<ChainStatus> chains) {
    /** The first broken link over all chains, if any. */
    public Break firstBreak() {
      return chains.stream().map(ChainStatus::firstBreak).filter(Objects::nonNull).findFirst().orElse(null);
    }
  }

  /** Checks every chain and every waiver row; reads in chunks, so any size fits in memory. */
  public Report verify() {
    List<ChainStatus> out = new ArrayList<>();
    for (Chain chain : Chain.values()) {
      out.add(verify(chain));
    }
    out.add(verifyWaiverRows());
    return new Report(out.stream().allMatch(ChainStatus::intact), out);
  }

  ChainStatus verify(Chain chain) {
    String table = chain.table();
    String prev = GENESIS;
    long expected = 1;
    long last = 0;
    while (true) {
      List<Entry> rows = jdbc.sql("SELECT " + String.join(", ", chain.columns()) + ", chain_seq, prev_hash, row_hash"
              + " FROM " + table + " WHERE chain_seq > ? ORDER BY chain_seq FETCH FIRST " + CHUNK + " ROWS ONLY")
          .param(last).query((rs, n) -> new Entry(content(chain, rs), rs.getLong("chain_seq"), rs.getString("prev_hash"),
              rs.getString("row_hash"))).list();
      for (Entry e : rows) {
        String id = String.valueOf(e.content().get("id"));
        if (e.seq() != expected) {
          return broken(table, expected - 1, prev, new Break(table, id, e.seq(), "entry #" + expected
              + (expected + 1 == e.seq() ? " is" : " to #" + (e.seq() - 1) + " are")
              + " missing before this one (" + table + " id " + id + "): rows were deleted"));
        }
        if (!prev.equals(e.prev())) {
          return broken(table, expected - 1, prev, new Break(table, id, e.seq(), "prev_hash " + abbrev(e.prev())
              + " does not match the hash of entry #" + (expected - 1) + " (" + abbrev(prev) + ")"));
        }
        String recomputed = hash(chain, e.seq(), e.prev(), e.content());
        if (!recomputed.equals(e.hash())) {
          return broken(table, expected - 1, prev, new Break(table, id, e.seq(), "the row's content does not match"
              + " its hash: stored " + abbrev(e.hash()) + ", recomputed " + abbrev(recomputed)
              + ": one of " + String.join(", ", chain.columns()) + " was changed after it was chained"));
        }
        prev = e.hash();
        expected++;
        last = e.seq();
      }
      if (rows.size() < CHUNK) {
        break;
      }
    }
    long count = expected - 1;
    Head head = jdbc.sql("SELECT last_seq, last_hash FROM hash_chain WHERE name = ?").param(table)
        .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).optional().orElse(null);
    if (head == null) {
      return broken(table, count, prev, new Break("hash_chain", table, null, "the chain's head row is missing"));
    }
    if (head.seq() != count || !head.hash().equals(prev)) {
      return broken(table, count, prev, new Break(table, null, head.seq(), "the chain ends at entry #" + count
          + " but its head (hash_chain) records #" + head.seq() + " with hash " + abbrev(head.hash())
          + ": the newest entries were deleted or the head was changed"));
    }
    Long unchained = jdbc.sql("SELECT MIN(id) FROM " + table + " WHERE chain_seq IS NULL").query(Long.class)
        .optional().orElse(null);
    if (unchained != null) {
      return broken(table, count, prev, new Break(table, String.valueOf(unchained), null, "the row is not in the chain:"
          + " it was inserted outside aims-monitor (or by a writer that does not seal its rows)"));
    }
    return new ChainStatus(table, count, prev, null);
  }

  private ChainStatus verifyWaiverRows() {
    List<String> ids = jdbc.sql("SELECT id FROM waiver ORDER BY id").query(String.class).list();
    for (String id : ids) {
      String chained = jdbc.sql("SELECT state FROM waiver_change WHERE waiver_id = ? ORDER BY chain_seq DESC"
          + " FETCH FIRST 1 ROWS ONLY").param(id).query(String.class).optional().orElse(null);
      if (chained == null) {
        return new ChainStatus("waiver", ids.size(), null, new Break("waiver", id, null,
            "the waiver has no chained state: it was inserted outside aims-monitor"));
      }
      Map<String, Object> was = JSON.readValue(chained, new TypeReference<LinkedHashMap<String, Object>>() {});
      Map<String, Object> now = waiverState(id);
      TreeSet<String> differ = new TreeSet<>();
      TreeSet<String> keys = new TreeSet<>(was.keySet());
      keys.addAll(now.keySet());
      keys.forEach(k -> {
        if (!Objects.equals(Objects.toString(was.get(k), null), Objects.toString(now.get(k), null))) {
          differ.add(k);
        }
      });
      if (!differ.isEmpty()) {
        String first = differ.first();
        return new ChainStatus("waiver", ids.size(), null, new Break("waiver", id, null, "the row differs from its last"
            + " chained state in " + String.join(", ", differ) + " (" + first + " chained: " + was.get(first)
            + ", now: " + now.get(first) + ")"));
      }
    }
    return new ChainStatus("waiver", ids.size(), null, null);
  }

  private static ChainStatus broken(String table, long entries, String head, Break at) {
    return new ChainStatus(table, entries, head, at);
  }

  // --- canonical form ------------------------------------------------------------------------

  private record Head(long seq, String hash) {}

  private record Entry(Map<String, Object> content, long seq, String prev, String hash) {}

  private Map<String, Object> waiverState(String id) {
    return jdbc.sql("SELECT id, scope, finding_id, rule_id, subject_pattern, justification, requested_by, requested_at,"
            + " approved_by, approved_at, expires_at, revoked_by, revoked_at, revoke_reason FROM waiver WHERE id = ?")
        .param(id).query((rs, n) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          int columns = rs.getMetaData().getColumnCount();
          for (int i = 1; i <= columns; i++) {
            String name = rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
            m.put(name, name.endsWith("_at") ? timestamp(rs, name) : rs.getString(i));
          }
          return m;
        }).optional().orElse(null);
  }

  private static Map<String, Object> content(Chain chain, ResultSet rs) throws SQLException {
    Map<String, Object> row = new LinkedHashMap<>();
    for (String column : chain.columns()) {
      row.put(column, switch (column) {
        case "id" -> rs.getLong(column);
        case "at" -> timestamp(rs, column);
        default -> rs.getString(column);
      });
    }
    return row;
  }

  private static String timestamp(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant().truncatedTo(ChronoUnit.MICROS).toString();
  }

  /** SHA-256, hex, of the canonical serialisation of one entry. */
  static String hash(Chain chain, long seq, String prev, Map<String, Object> content) {
    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("chain", chain.table());
    canonical.put("seq", seq);
    canonical.put("prev", prev);
    canonical.put("row", content);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String abbrev(String hash) {
    return hash == null ? "null" : hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
  }
}
