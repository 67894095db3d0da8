package io.aimsmonitor.connector.github;

import io.aimsmonitor.connector.github.GithubMapping.RunFields;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fast path of {@link GithubRunsPageParser}: a runs page read straight from its UTF-8 bytes,
 * for well-formed pages only. Anything it does not fully handle, and anything that is not valid
 * JSON, makes it give up ({@link Unsupported}) and the page is read again by Jackson, which then
 * decides exactly as before: the same fields, the same errors. So this scanner may refuse more
 * than Jackson, never accept more, and where it accepts it must read the same values.
 *
 * <p>WHY: Jackson tokenizes every byte of the page into its buffers (names canonicalized, numbers
 * copied, strings skipped one byte at a time), and a run is ~1.2 KB of which the fact needs ~200
 * bytes; that tokenizing was ~70% of the connector's CPU on its page threads (JFR,
 * GithubCollectBench, issue #12). Here a string is skipped eight bytes at a time, a key is
 * compared in place against the dozen names the mapping reads, and only the kept values become
 * {@code String}s.
 *
 * <p>What it handles: the JSON grammar with the four whitespace bytes, strings with any escape and
 * with non-ASCII text when it is strict UTF-8 (validated here, overlong forms and surrogates
 * refused), numbers, literals, nesting to {@value #MAX_DEPTH} levels inside a run. What it leaves to
 * Jackson: a byte order mark or other encodings, an escape in a key or in a kept value, a kept value
 * that is a fraction or a boolean, a {@code total_count} that is not a plain integer, and every
 * error.
 */
final class RunsPageScanner {

  /** Giving up on the fast path; carries no message or stack (it is a branch, not an error). */
  static final class Unsupported extends RuntimeException {
    static final Unsupported INSTANCE = new Unsupported();

    private Unsupported() {
      super(null, null, false, false);
    }
  }

  static final int MAX_DEPTH = 60;
  /** Longer number tokens go to Jackson, which has its own limit on them (StreamReadConstraints). */
  private static final int MAX_NUMBER_LENGTH = 100;
  /** Longer keys go to Jackson, which refuses names past its own limit (StreamReadConstraints). */
  private static final int MAX_KEY_LENGTH = 1000;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long SPACES = 0x2020202020202020L;

  private static final Names PAGE_KEYS = new Names("total_count", "workflow_runs");
  private static final int TOTAL_COUNT = 0, WORKFLOW_RUNS = 1;
  private static final Names RUN_KEYS = new Names("id", "name", "path", "html_url", "head_branch", "head_sha", "status",
      "conclusion", "run_started_at", "created_at", "updated_at", "repository");
  private static final int ID = 0, NAME = 1, PATH = 2, HTML_URL = 3, HEAD_BRANCH = 4, HEAD_SHA = 5, STATUS = 6,
      CONCLUSION = 7, RUN_STARTED_AT = 8, CREATED_AT = 9, UPDATED_AT = 10, REPOSITORY = 11;
  private static final Names REPOSITORY_KEYS = new Names("full_name");
  /** For keys of skipped objects: none is looked for. */
  private static final Names NO_KEYS = new Names();

  private final byte[] b;
  private final int end;
  private int i;
  /** Set by {@link #stringEnd}: the string had an escape; it had a byte outside ASCII. */
  private boolean escaped;
  private boolean nonAscii;
  /** Set by {@link #number}: the number had no fraction and no exponent. */
  private boolean integral;
  /** Per repeating field (see {@link #text}): where its last string value is in the body, and what it read as. */
  private final int[] lastFrom = new int[RUN_KEYS.size()];
  private final int[] lastLength = new int[RUN_KEYS.size()];
  private final String[] lastText = new String[RUN_KEYS.size()];
  /**
   * Key prediction: GitHub writes every run's keys in the same order, so the key at the n-th key
   * position of a run (nested objects included) is most likely the previous run's n-th key. Kept
   * per position: where that key's bytes are in the body, their length, the table it was looked up
   * in and the answer. A key with the same bytes followed by a quote is that same key (those bytes
   * were validated: no quote, backslash or control byte, valid UTF-8), with no search for its end
   * and no lookup.
   */
  private static final int PREDICTED_KEYS = 96;
  private final int[] predictedFrom = new int[PREDICTED_KEYS];
  private final int[] predictedLength = new int[PREDICTED_KEYS];
  private final int[] predictedIndex = new int[PREDICTED_KEYS];
  private final Names[] predictedNames = new Names[PREDICTED_KEYS];
  /** The position of the next key within the current run. */
  private int keyPosition;

  private RunsPageScanner(byte[] body) {
    this.b = body;
    this.end = body.length;
  }

  /** The page, or {@link Unsupported} when Jackson must read it. */
  static GithubRunsPageParser.Page parse(byte[] body) {
    return new RunsPageScanner(body).page();
  }

  private GithubRunsPageParser.Page page() {
    if (ws() != '{') {
      throw Unsupported.INSTANCE;
    }
    i++;
    List<RunFields> runs = null;
    long total = 0;
    if (ws() == '}') {
      i++;
    } else {
      while (true) {
        int key = key(PAGE_KEYS);
        int c = ws();
        if (key == TOTAL_COUNT) {
          total = totalCount(c);
        } else if (key == WORKFLOW_RUNS) {
          if (c != '[') {
            throw Unsupported.INSTANCE; // Jackson says what was expected
          }
          runs = runs();
        } else {
          skipValue();
        }
        if (!nextMember('}')) {
          break;
        }
      }
    }
    if (runs == null || ws() != -1) {
      throw Unsupported.INSTANCE;
    }
    return new GithubRunsPageParser.Page(runs, total);
  }

  /** As Jackson's {@code getValueAsLong(0)} for a plain integer, 0 for an object or array; else Jackson reads it. */
  private long totalCount(int c) {
    if (c == '{' || c == '[') {
      skipValue();
      return 0;
    }
    if (c != '-' && (c < '0' || c > '9')) {
      throw Unsupported.INSTANCE;
    }
    int from = i;
    i = number(from);
    if (!integral || i - from > 18) {
      throw Unsupported.INSTANCE;
    }
    return Long.parseLong(new String(b, from, i - from, StandardCharsets.ISO_8859_1));
  }

  private List<RunFields> runs() {
    i++; // '['
    List<RunFields> runs = new ArrayList<>(100);
    if (ws() == ']') {
      i++;
      return runs;
    }
    while (true) {
      if (ws() != '{') {
        throw Unsupported.INSTANCE;
      }
      RunFields run = run();
      if (run.id() == null) {
        throw Unsupported.INSTANCE;
      }
      runs.add(run);
      if (!nextMember(']')) {
        return runs;
      }
    }
  }

  /** One run object, from its '{' to past its '}'; the fields as GithubRunsPageParser reads them. */
  private RunFields run() {
    i++;
    keyPosition = 0;
    String id = null, runName = null, path = null, htmlUrl = null, headBranch = null, headSha = null;
    String status = null, conclusion = null;
    Instant runStartedAt = null, createdAt = null, updatedAt = null;
    String repository = null;
    if (ws() == '}') {
      i++;
    } else {
      while (true) {
        switch (key(RUN_KEYS)) {
          case ID -> id = text(-1);
          case NAME -> runName = text(NAME);
          case PATH -> path = text(PATH);
          case HTML_URL -> htmlUrl = text(-1);
          case HEAD_BRANCH -> headBranch = text(HEAD_BRANCH);
          case HEAD_SHA -> headSha = text(-1);
          case STATUS -> status = text(STATUS);
          case CONCLUSION -> conclusion = text(CONCLUSION);
          case RUN_STARTED_AT -> runStartedAt = time();
          case CREATED_AT -> createdAt = time();
          case UPDATED_AT -> updatedAt = time();
          case REPOSITORY -> repository = fullName();
          default -> skipValue();
        }
        if (!nextMember('}')) {
          break;
        }
      }
    }
    return new RunFields(id, runName, path, htmlUrl, headBranch, headSha, status, conclusion, runStartedAt, createdAt,
        updatedAt, repository);
  }

  /** {@code full_name} of a repository object; null for anything else (skipped). */
  private String fullName() {
    if (ws() != '{') {
      skipValue();
      return null;
    }
    i++;
    String fullName = null;
    if (ws() == '}') {
      i++;
      return null;
    }
    while (true) {
      if (key(REPOSITORY_KEYS) == 0) {
        fullName = text(REPOSITORY);
      } else {
        skipValue();
      }
      if (!nextMember('}')) {
        return fullName;
      }
    }
  }

  /**
   * After a member or element: true past a ',' (more follow), false past {@code close}; anything
   * else is not valid JSON.
   */
  private boolean nextMember(char close) {
    int c = ws();
    i++;
    if (c == ',') {
      return true;
    }
    if (c == close) {
      return false;
    }
    throw Unsupported.INSTANCE;
  }

  /**
   * A key and its ':'; the index of the name in {@code names}, or -1 for any other name. An escaped
   * key is left to Jackson (it may spell one of the names).
   */
  private int key(Names names) {
    if (ws() != '"') {
      throw Unsupported.INSTANCE;
    }
    int from = i + 1;
    int position = keyPosition++;
    if (position < PREDICTED_KEYS && predictedNames[position] == names) {
      int to = from + predictedLength[position];
      if (to < end && b[to] == '"' && sameBytes(from, predictedFrom[position], predictedLength[position])) {
        i = to + 1;
        if (ws() != ':') {
          throw Unsupported.INSTANCE;
        }
        i++;
        return predictedIndex[position];
      }
    }
    int to = stringEnd(from);
    if (escaped || to - from > MAX_KEY_LENGTH) {
      throw Unsupported.INSTANCE;
    }
    i = to + 1;
    if (ws() != ':') {
      throw Unsupported.INSTANCE;
    }
    i++;
    int index = names.indexOf(b, from, to - from);
    if (position < PREDICTED_KEYS) {
      predictedFrom[position] = from;
      predictedLength[position] = to - from;
      predictedIndex[position] = index;
      predictedNames[position] = names;
    }
    return index;
  }

  /**
   * The value as {@code GithubRunsPageParser.text} reads it: a string or an integer as its text
   * (blank as null), null as null, an object or array skipped as null. A string with an escape, a
   * fraction or a boolean is left to Jackson.
   *
   * @param repeating for a field whose value mostly repeats from run to run (a workflow's name and
   *     path, the branch, status, conclusion, repository), its key index: a value spelled as the
   *     last one is that same {@code String} (equal, not copied again): six strings fewer per
   *     run to allocate and for the collector to copy while a collection holds its runs; -1 for
   *     any other field
   */
  private String text(int repeating) {
    int c = ws();
    if (c == '"') {
      int from = i + 1;
      int to = stringEnd(from);
      if (escaped) {
        throw Unsupported.INSTANCE;
      }
      i = to + 1;
      int length = to - from;
      if (repeating >= 0 && lastLength[repeating] == length && length > 0 && sameBytes(from, lastFrom[repeating], length)) {
        return lastText[repeating];
      }
      String s = new String(b, from, length, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      s = s.isBlank() ? null : s;
      if (repeating >= 0) {
        lastFrom[repeating] = from;
        lastLength[repeating] = length;
        lastText[repeating] = s;
      }
      return s;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      int from = i;
      i = number(from);
      if (!integral) {
        throw Unsupported.INSTANCE;
      }
      return new String(b, from, i - from, StandardCharsets.ISO_8859_1);
    }
    if (c == 'n') {
      literal("null");
      return null;
    }
    if (c == '{' || c == '[') {
      skipValue();
      return null;
    }
    throw Unsupported.INSTANCE;
  }

  /**
   * Whether the {@code length} bytes at {@code a} and at {@code c} are the same: eight at a time, as
   * the values compared are short (a workflow's name, a branch) and {@code Arrays.equals} on ranges
   * was 8% of the scanner's samples (JFR, GithubCollectBench).
   */
  private boolean sameBytes(int a, int c, int length) {
    int k = 0;
    for (; k + 8 <= length; k += 8) {
      if ((long) LONGS.get(b, a + k) != (long) LONGS.get(b, c + k)) {
        return false;
      }
    }
    int rest = length - k;
    if (rest == 0) {
      return true;
    }
    if (a + k + 8 <= end && c + k + 8 <= end) { // the last 1 to 7 bytes, in one load each
      return (((long) LONGS.get(b, a + k) ^ (long) LONGS.get(b, c + k)) & ((1L << (rest * 8)) - 1)) == 0;
    }
    for (; k < length; k++) {
      if (b[a + k] != b[c + k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A time value as {@code GithubMapping.time} reads {@link #text}'s answer: GitHub's own
   * {@code YYYY-MM-DDTHH:MM:SSZ} straight from the bytes (three strings fewer per run), anything
   * else through that text.
   */
  private Instant time() {
    if (ws() == '"') {
      int from = i + 1;
      int to = stringEnd(from);
      if (!escaped && !nonAscii && to - from == 20) {
        Instant fast = GithubMapping.utcSeconds(b, from);
        if (fast != null) {
          i = to + 1;
          return fast;
        }
      }
    }
    return GithubMapping.time(text(-1));
  }

  /** Skips one value of any kind, validating it, without recursion (the depth is bounded). */
  private void skipValue() {
    int first = ws();
    if (first == '"') { // most skipped values: a string, a number
      i = stringEnd(i + 1) + 1;
      return;
    }
    if (first >= '0' && first <= '9') {
      i = number(i);
      return;
    }
    long objects = 0; // one bit per open container, 1 for an object
    int depth = 0;
    boolean expectValue = true;
    while (true) {
      int c = ws();
      if (expectValue) {
        if (c == '{' || c == '[') {
          if (++depth > MAX_DEPTH) {
            throw Unsupported.INSTANCE;
          }
          boolean object = c == '{';
          objects = (objects << 1) | (object ? 1 : 0);
          i++;
          if (ws() == (object ? '}' : ']')) {
            i++;
            depth--;
            objects >>>= 1;
            expectValue = false;
          } else if (object) {
            key(NO_KEYS);
          }
        } else {
          scalar(c);
          expectValue = false;
        }
        if (depth == 0 && !expectValue) {
          return;
        }
        continue;
      }
      boolean object = (objects & 1) != 0;
      i++;
      if (c == ',') {
        if (object) {
          key(NO_KEYS);
        }
        expectValue = true;
      } else if (c == (object ? '}' : ']')) {
        depth--;
        objects >>>= 1;
        if (depth == 0) {
          return;
        }
      } else {
        throw Unsupported.INSTANCE;
      }
    }
  }

  private void scalar(int c) {
    switch (c) {
      case '"' -> i = stringEnd(i + 1) + 1;
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c != '-' && (c < '0' || c > '9')) {
          throw Unsupported.INSTANCE;
        }
        i = number(i);
      }
    }
  }

  /** The literal at {@code i}, followed by a delimiter (so that {@code trueish} is not read as true). */
  private void literal(String word) {
    int n = word.length();
    if (i + n > end) {
      throw Unsupported.INSTANCE;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        throw Unsupported.INSTANCE;
      }
    }
    i += n;
    delimiterFollows(i);
  }

  /** Past the number starting at {@code from} (JSON's grammar, followed by a delimiter); sets {@link #integral}. */
  private int number(int from) {
    int j = from;
    if (j < end && b[j] == '-') {
      j++;
    }
    if (j >= end) {
      throw Unsupported.INSTANCE;
    }
    if (b[j] == '0') {
      j++;
    } else if (b[j] >= '1' && b[j] <= '9') {
      j = digits(j + 1);
    } else {
      throw Unsupported.INSTANCE;
    }
    boolean whole = true;
    if (j < end && b[j] == '.') {
      whole = false;
      j = atLeastOneDigit(j + 1);
    }
    if (j < end && (b[j] == 'e' || b[j] == 'E')) {
      whole = false;
      j++;
      if (j < end && (b[j] == '+' || b[j] == '-')) {
        j++;
      }
      j = atLeastOneDigit(j);
    }
    if (j - from > MAX_NUMBER_LENGTH) {
      throw Unsupported.INSTANCE;
    }
    delimiterFollows(j);
    integral = whole;
    return j;
  }

  private int digits(int j) {
    while (j < end && b[j] >= '0' && b[j] <= '9') {
      j++;
    }
    return j;
  }

  private int atLeastOneDigit(int j) {
    int after = digits(j);
    if (after == j) {
      throw Unsupported.INSTANCE;
    }
    return after;
  }

  private void delimiterFollows(int j) {
    if (j < end) {
      byte c = b[j];
      if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        throw Unsupported.INSTANCE;
      }
    }
  }

  /** The next byte after JSON whitespace (not consumed), or -1 at the end of the body. */
  private int ws() {
    if (i < end && (b[i] & 0xFF) > ' ') {
      return b[i] & 0xFF; // the usual case: GitHub writes no whitespace between tokens
    }
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c & 0xFF;
      }
      i++;
    }
    return -1;
  }

  /**
   * The index of the closing quote of the string whose first byte is at {@code from}; validates
   * escapes and UTF-8 on the way and sets {@link #escaped} and {@link #nonAscii}. Eight bytes at a
   * time while none of them is a quote, a backslash, a control byte or outside ASCII.
   */
  private int stringEnd(int from) {
    boolean hadEscape = false;
    boolean hadNonAscii = false;
    int j = from;
    while (true) {
      while (j + 8 <= end) {
        long x = (long) LONGS.get(b, j);
        long quote = x ^ QUOTES;
        long backslash = x ^ BACKSLASHES;
        // a byte's high bit set where it is a quote, a backslash, below 0x20, or 0x80 and above;
        // borrows only run upward from a real hit, so the lowest set bit is exact
        long hits = (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((x - SPACES) & ~x) | x) & HIGH_BITS;
        if (hits != 0) {
          j += Long.numberOfTrailingZeros(hits) >>> 3;
          break;
        }
        j += 8;
      }
      if (j >= end) {
        throw Unsupported.INSTANCE;
      }
      int c = b[j] & 0xFF;
      if (c == '"') {
        escaped = hadEscape;
        nonAscii = hadNonAscii;
        return j;
      }
      if (c == '\\') {
        hadEscape = true;
        j = escape(j + 1);
      } else if (c < 0x20) {
        throw Unsupported.INSTANCE;
      } else if (c >= 0x80) {
        hadNonAscii = true;
        j = utf8(j, c);
      } else {
        j++;
      }
    }
  }

  /** Past the escape whose letter is at {@code j}. */
  private int escape(int j) {
    if (j >= end) {
      throw Unsupported.INSTANCE;
    }
    switch (b[j]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return j + 1;
      }
      case 'u' -> {
        if (j + 5 > end) {
          throw Unsupported.INSTANCE;
        }
        for (int k = j + 1; k <= j + 4; k++) {
          if (Character.digit(b[k], 16) < 0) {
            throw Unsupported.INSTANCE;
          }
        }
        return j + 5;
      }
      default -> throw Unsupported.INSTANCE;
    }
  }

  /** Past the UTF-8 sequence whose lead byte {@code c} is at {@code j}; strict (no overlong forms, no surrogates). */
  private int utf8(int j, int c) {
    int length;
    int min2 = 0x80, max2 = 0xBF; // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) {
        min2 = 0xA0;
      } else if (c == 0xED) {
        max2 = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) {
        min2 = 0x90;
      } else if (c == 0xF4) {
        max2 = 0x8F;
      }
    } else {
      throw Unsupported.INSTANCE;
    }
    if (j + length > end) {
      throw Unsupported.INSTANCE;
    }
    int second = b[j + 1] & 0xFF;
    if (second < min2 || second > max2) {
      throw Unsupported.INSTANCE;
    }
    for (int k = j + 2; k < j + length; k++) {
      if ((b[k] & 0xC0) != 0x80) {
        throw Unsupported.INSTANCE;
      }
    }
    return j + length;
  }

  /**
   * The key names a scanner looks for, each as its bytes packed into two longs (no name is longer
   * than 16 bytes; a key never holds a zero byte, so the zero padding also fixes the length), in a
   * table addressed by a hash of the two longs that has no collisions between the names (the
   * multiplier is chosen so): a key is looked up with one multiply, one load and two comparisons,
   * not compared with each name of its length in turn.
   */
  private static final class Names {
    private static final int BITS = 6;
    private final int size;
    private final long multiplier;
    /** Per slot: the name's index + 1 (0 for an empty slot), its low and high eight bytes. */
    private final int[] slots = new int[1 << BITS];
    private final long[] low = new long[1 << BITS];
    private final long[] high = new long[1 << BITS];

    Names(String... names) {
      size = names.length;
      long[] lo = new long[names.length];
      long[] hi = new long[names.length];
      for (int k = 0; k < names.length; k++) {
        byte[] name = names[k].getBytes(StandardCharsets.US_ASCII);
        if (name.length > 16 || name.length == 0) {
          throw new IllegalArgumentException(names[k]);
        }
        lo[k] = load(name, 0, Math.min(8, name.length));
        hi[k] = name.length > 8 ? load(name, 8, name.length - 8) : 0;
      }
      long m = 0x9E3779B97F4A7C15L;
      search:
      for (int attempt = 0; ; attempt++, m += 0x632BE59BD9B4E019L) {
        if (attempt > 10_000) {
          throw new IllegalStateException("no collision-free multiplier for " + Arrays.toString(names));
        }
        Arrays.fill(slots, 0);
        for (int k = 0; k < names.length; k++) {
          int slot = slot(lo[k], hi[k], m);
          if (slots[slot] != 0) {
            continue search;
          }
          slots[slot] = k + 1;
          low[slot] = lo[k];
          high[slot] = hi[k];
        }
        break;
      }
      multiplier = m;
    }

    private static int slot(long lo, long hi, long m) {
      return (int) (((lo ^ Long.rotateLeft(hi, 29)) * m) >>> (64 - BITS));
    }

    int size() {
      return size;
    }

    /** The index of the name spelled by {@code length} bytes of {@code b} at {@code from}, or -1. */
    int indexOf(byte[] b, int from, int length) {
      if (length > 16 || size == 0) {
        return -1;
      }
      long lo = load(b, from, Math.min(8, length));
      long hi = length > 8 ? load(b, from + 8, length - 8) : 0;
      int slot = slot(lo, hi, multiplier);
      return low[slot] == lo && high[slot] == hi ? slots[slot] - 1 : -1;
    }

    /** {@code n} (at most 8) bytes of {@code b} at {@code from}, little-endian, the rest of the long zero. */
    private static long load(byte[] b, int from, int n) {
      if (from + 8 <= b.length) {
        long x = (long) LONGS.get(b, from);
        return n == 8 ? x : x & ((1L << (n * 8)) - 1);
      }
      long x = 0;
      for (int k = n - 1; k >= 0; k--) {
        x = (x << 8) | (b[from + k] & 0xFF);
      }
      return x;
    }
  }
}
