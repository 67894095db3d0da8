package io.aimsmonitor.review;

import java.util.Collection;

/**
 * A Bloom filter over the ids of the open findings as of a sync: whether a finding may be open
 * (never "no" for one that is), at about ten bits per finding. WHY: the sync after a change of
 * owners looks up every rule's finding of each subject whose owner moved (19,216 ids at 300,000
 * facts, of which 762 were open findings: most rules report nothing on most subjects), and an index
 * on subjects would cost every new finding a B-tree entry; filtered, about one id in a hundred of
 * those with no finding is still looked up. A finding resolved since stays in (a look-up finds it
 * resolved), one opened since is {@link #add added}; the filter is built again at each sync of
 * every open finding. Not thread-safe: one sync at a time ({@code ReviewService.store} is synchronized).
 */
final class OpenFindingIds {

  /** Bits per id at the size it was built for: with {@value #HASHES} hashes, about 1% false positives. */
  private static final int BITS_PER_ID = 10;
  private static final int HASHES = 7;

  private final long[] bits;
  private final int size;

  /** @param ids the open findings; room is left for as many again opening before the next full sync */
  OpenFindingIds(Collection<String> ids) {
    long wanted = Math.max(1024L, 2L * ids.size() * BITS_PER_ID);
    this.bits = new long[(int) Math.min(Integer.MAX_VALUE / 64, (wanted + 63) / 64)];
    this.size = bits.length * 64;
    ids.forEach(this::add);
  }

  void add(String id) {
    int h1 = id.hashCode();
    int h2 = second(id);
    for (int i = 0; i < HASHES; i++) {
      int bit = Math.floorMod(h1 + i * h2, size);
      bits[bit >>> 6] |= 1L << bit;
    }
  }

  /** False only for an id never added. */
  boolean mayContain(String id) {
    int h1 = id.hashCode();
    int h2 = second(id);
    for (int i = 0; i < HASHES; i++) {
      int bit = Math.floorMod(h1 + i * h2, size);
      if ((bits[bit >>> 6] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** A second hash independent of {@link String#hashCode} (FNV-1a over the chars), odd so that the probes differ. */
  private static int second(String id) {
    int h = 0x811c9dc5;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x01000193;
    }
    return h | 1;
  }
}
