package io.aimsmonitor.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * The order of a findings list: one key, then the finding id as the tie-breaker, both in the same
 * direction, so that every order is total and an index on (key, id) serves it. Pages continue
 * after a {@link Cursor} (keyset paging): no row is skipped or repeated when findings change between
 * two requests, except a finding whose own sort value changed (its severity, its last-seen time).
 *
 * @param descending {@code -severity} lists the most severe first
 */
public record FindingSort(Key key, boolean descending) {

  /** Most severe first: what people ask for first. */
  public static final FindingSort DEFAULT = new FindingSort(Key.SEVERITY, true);

  /** A sortable column and the name the API gives it. */
  public enum Key {
    SEVERITY("severity", "f.severity_rank", "severity_rank", "INTEGER"),
    FIRST_SEEN("firstSeen", "f.first_seen", "first_seen", "TIMESTAMP WITH TIME ZONE"),
    LAST_SEEN("lastSeen", FindingRepository.LAST_SEEN, "seen_at", "TIMESTAMP WITH TIME ZONE"),
    RULE("rule", "f.rule_id", "rule_id", "VARCHAR");

    private final String label;
    private final String column;
    private final String pageColumn;
    /** The SQL type a cursor's value is cast to in {@link FindingSort#after()}. */
    private final String valueType;

    Key(String label, String column, String pageColumn, String valueType) {
      this.label = label;
      this.column = column;
      this.pageColumn = pageColumn;
      this.valueType = valueType;
    }

    /** The key's column in a page selected with the summary columns. */
    String pageColumn() {
      return pageColumn;
    }

    public String label() {
      return label;
    }

    String column() {
      return column;
    }
  }

  /** Parses {@code severity}, {@code -firstSeen} ...; a leading minus means descending. */
  public static FindingSort parse(String text) {
    String t = text.trim();
    boolean desc = t.startsWith("-");
    String name = desc ? t.substring(1) : t;
    for (Key k : Key.values()) {
      if (k.label.equalsIgnoreCase(name)) {
        return new FindingSort(k, desc);
      }
    }
    throw new IllegalArgumentException("sort must be one of " + Arrays.stream(Key.values()).map(Key::label).toList()
        + ", optionally with a leading '-' for descending; got '" + text + "'");
  }

  public String label() {
    return (descending ? "-" : "") + key.label;
  }

  String orderBy() {
    return orderBy(FindingFilter.all());
  }

  /**
   * The order over rows of {@code f} that {@code filter} selects. With the severity key and a
   * filter that holds the status to one value ({@code status=open}, the overview's links), the
   * status leads the order, which changes nothing in the result but matches the index
   * {@code finding_page_by_status_severity (status, severity_rank, id)}. WHY: H2 takes an index as
   * the order only when the ORDER BY begins with its columns; it does not see that an equality on
   * the leading column leaves the rest in order, so it read the status's whole range and sorted it
   * (every open finding, for each page: 1.2 s of CPU a page at 100,000 findings, issue #14), where
   * now it reads the page's rows in index order and stops. PostgreSQL drops a column held to a
   * constant from the order, so its plan is the same either way. The other keys have no index led
   * by the status: there the status stays a filter over the key's own index.
   */
  String orderBy(FindingFilter filter) {
    String dir = descending ? " DESC" : " ASC";
    String lead = key == Key.SEVERITY && filter.fixes("f.status") ? "f.status" + dir + ", " : "";
    return " ORDER BY " + lead + key.column() + dir + ", f.id" + dir;
  }

  /** The same order over a page selected as {@code p} with the summary columns (the key as its column or alias). */
  String pageOrderBy() {
    String dir = descending ? " DESC" : " ASC";
    return " ORDER BY p." + key.pageColumn() + dir + ", p.id" + dir;
  }

  /**
   * The condition "after this cursor" in this order, as a row-value comparison that PostgreSQL
   * turns into an index bound (PostgreSQL only: H2 reads {@link #afterAsRanges()}). WHY a row
   * comparison: the expanded form {@code key < v OR (key = v AND id < i)} was only a filter on
   * PostgreSQL: a deep page walked the index from the start, removing every row before the cursor
   * (70,000 rows, 0.8 s at 100,000 findings), where the row comparison reads 51 rows.
   *
   * <p>WHY the cursor's value in a scalar subquery: so that the page's prepared statement is planned
   * once, not on every request (issue #14). PostgreSQL estimates a row comparison by its first
   * column alone ({@code key < v}), which for a cursor in the last band of the order is about no
   * row; that custom plan looked cheaper than the generic one, so its plan cache planned every page
   * anew (a quarter to two fifths of the server's CPU per page). An uncorrelated subquery's value
   * is a parameter the planner cannot see, in the custom plans as in the generic one: it estimates
   * the same default fraction for every cursor, the custom plans cost what the generic plan costs,
   * and after its five custom plans the plan cache keeps the generic plan (planning cost decides the
   * tie). The value still bounds the index scan ("Index Cond"), evaluated once per execution. The
   * redundant bound on the key alone, which once let H2 start its range, is left out: a second
   * estimate of the key would differ between custom and generic plans again.
   */
  String after() {
    String op = descending ? "<" : ">";
    return "(" + key.column() + ", f.id) " + op + " ((SELECT CAST(:cursor_value AS " + key.valueType + ")), :cursor_id)";
  }

  /**
   * The condition "after this cursor" as two exact index ranges, for H2: rows of the cursor's own
   * sort value after its id ({@code [0]}), and rows past that value ({@code [1]}), read one after
   * the other ({@code FindingRepository.keysetRead}). Each becomes a
   * bounded range of the (key, id) index, so a page after a cursor reads about its own rows
   * wherever it is in the list. WHY: H2 bounds a row-value comparison by its first column only,
   * and a strict bound {@code key < v} on a column that leads an index by the whole band
   * {@code key = v} (it positions at {@code v} and filters), so the form of {@link #after()} read
   * every row of the cursor's severity before it: 20,000 rows for a page in the middle of a band at
   * 100,000 findings (issue #14). The band past the value is therefore bounded inclusively by the
   * next value where the key has one: the next rank for a severity, the next microsecond (the
   * stored precision on H2 and PostgreSQL) for a time. A rule id has no previous string, and the
   * derived last-seen time no index, so those two keep the strict bound (correct, and read as before).
   */
  String[] afterAsRanges() {
    String op = descending ? "<" : ">";
    String same = "(" + key.column() + " = :cursor_value AND f.id " + op + " :cursor_id)";
    String past = switch (key) {
      case SEVERITY, FIRST_SEEN -> key.column() + " " + op + "= :cursor_next";
      case LAST_SEEN, RULE -> key.column() + " " + op + " :cursor_value";
    };
    return new String[] {same, "(" + past + ")"};
  }

  /**
   * Where a page ended: the sort it belongs to, and the last row's sort value and id. Opaque to
   * clients (URL-safe base64); a cursor is only valid with the sort it was made for.
   */
  public record Cursor(FindingSort sort, Object value, String id) {

    public String encode() {
      String v = value instanceof Instant i ? i.toString() : String.valueOf(value);
      String plain = sort.label() + "\n" + id + "\n" + v;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor made for {@code sort}; anything else is an {@link IllegalArgumentException}. */
    public static Cursor decode(String text, FindingSort sort) {
      String plain;
      try {
        plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a cursor from this API");
      }
      String[] parts = plain.split("\n", 3);
      if (parts.length != 3 || !parts[1].matches("[0-9a-f]{1,64}")) {
        throw new IllegalArgumentException("not a cursor from this API");
      }
      if (!parts[0].equals(sort.label())) {
        throw new IllegalArgumentException("the cursor belongs to sort '" + parts[0] + "', not '" + sort.label()
            + "': keep the sort of the first page");
      }
      try {
        Object value = switch (sort.key()) {
          case SEVERITY -> Integer.valueOf(parts[2]);
          case FIRST_SEEN, LAST_SEEN -> Instant.parse(parts[2]);
          case RULE -> parts[2];
        };
        return new Cursor(sort, value, parts[1]);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a cursor from this API");
      }
    }

    Object boundValue() {
      return value instanceof Instant i ? SnapshotRepository.utc(i) : value;
    }

    /**
     * The nearest value past this cursor's in its sort direction, for {@link #afterAsRanges()}'s
     * inclusive bound: the next severity rank, or the next microsecond. Null for the other keys.
     */
    Object nextBoundValue() {
      return switch (sort.key()) {
        case SEVERITY -> ((Number) value).intValue() + (sort.descending() ? -1 : 1);
        case FIRST_SEEN -> {
          // the nearest whole microsecond strictly past the value (it is one already when read from a row)
          Instant v = (Instant) value;
          Instant whole = v.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
          yield SnapshotRepository.utc(sort.descending() ? (whole.equals(v) ? whole.minusNanos(1_000) : whole)
              : whole.plusNanos(1_000));
        }
        case LAST_SEEN, RULE -> null;
      };
    }
  }
}
