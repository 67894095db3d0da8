package io.aimsmonitor.store;

import io.aimsmonitor.store.EvaluationRecords.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash of a verdict set in record format 2 (docs/evidence.md, "Evaluation records and
 * replay"): the sum, modulo 2^256, of the SHA-256 digests of its verdicts, each read as a
 * big-endian unsigned number, written as 64 hex digits. A verdict's digest is SHA-256 over its
 * pack, rule and subject key, each as the 4-byte big-endian length of its UTF-8 bytes followed by
 * those bytes. The sum does not depend on the order of the verdicts, so the hash of the next set
 * is this one's plus the digests of the verdicts added, minus those of the verdicts removed: an
 * evaluation that changed 1% of the verdicts hashes that 1%, not the whole set again (format 1
 * hashed the sorted JSON text of the whole set).
 *
 * <p>Like the SHA-256 of format 1 it shows that the stored set is the one recorded. It is weaker
 * against a deliberate forgery: sums of digests can be made to collide with far less work than
 * SHA-256 itself (generalised birthday attacks), so it is an integrity check, not a signature;
 * the record row naming it is not chained either. Mutable, not thread-safe.
 */
final class VerdictSetHash {

  /** The 256-bit sum as four 64-bit words, least significant first. */
  private final long[] words;
  private final MessageDigest sha256;

  private VerdictSetHash(long[] words) {
    this.words = words;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The hash of the empty set (64 zeros), to add verdicts to. */
  static VerdictSetHash empty() {
    return new VerdictSetHash(new long[4]);
  }

  /** A hash written by {@link #hex()}, to add verdicts to and remove them from. */
  static VerdictSetHash of(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    if (bytes.length != 32) {
      throw new IllegalArgumentException("a verdict set hash has 64 hex digits, not " + hex.length());
    }
    return new VerdictSetHash(words(bytes));
  }

  VerdictSetHash add(Verdict v) {
    long[] d = words(digest(v));
    long carry = 0;
    for (int i = 0; i < 4; i++) {
      long sum = words[i] + d[i];
      long carryOut = Long.compareUnsigned(sum, words[i]) < 0 ? 1 : 0;
      long withCarry = sum + carry;
      carryOut |= (carry == 1 && withCarry == 0) ? 1 : 0;
      words[i] = withCarry;
      carry = carryOut;
    }
    return this;
  }

  VerdictSetHash remove(Verdict v) {
    long[] d = words(digest(v));
    long borrow = 0;
    for (int i = 0; i < 4; i++) {
      long diff = words[i] - d[i];
      long borrowOut = Long.compareUnsigned(words[i], d[i]) < 0 ? 1 : 0;
      long withBorrow = diff - borrow;
      borrowOut |= (borrow == 1 && diff == 0) ? 1 : 0;
      words[i] = withBorrow;
      borrow = borrowOut;
    }
    return this;
  }

  String hex() {
    StringBuilder out = new StringBuilder(64);
    for (int i = 3; i >= 0; i--) {
      out.append(HexFormat.of().toHexDigits(words[i]));
    }
    return out.toString();
  }

  /** SHA-256 over the verdict's three fields, each length-prefixed, so no two verdicts share an encoding. */
  byte[] digest(Verdict v) {
    field(v.pack());
    field(v.rule());
    field(v.subject());
    return sha256.digest();
  }

  private void field(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha256.update(bytes);
  }

  /** 32 big-endian bytes as four words, least significant first. */
  private static long[] words(byte[] bytes) {
    long[] out = new long[4];
    for (int i = 0; i < 4; i++) {
      long w = 0;
      for (int b = 0; b < 8; b++) {
        w = (w << 8) | (bytes[(3 - i) * 8 + b] & 0xFF);
      }
      out[i] = w;
    }
    return out;
  }
}
