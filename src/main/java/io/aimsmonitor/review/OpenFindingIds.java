package io.aimsmonitor.review;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * A Bloom filter over the ids of the open findings as of a sync: whether a finding may be open
 * (never "no" for one that is), at about ten bits per finding (a 1 % false-positive rate). WHY: the sync after a change of
 * owners looks up every rule's finding of each subject whose owner moved (19,216 ids at 300,000
 * facts, of which 762 were open findings: most rules report nothing on most subjects), and an index
 * on subjects would cost every new finding a B-tree entry; filtered, about one id in a hundred of
 * those with no finding is still looked up. A finding resolved since stays in (a look-up finds it
 * resolved), one opened since is {@link #add added}; the filter is built again at each sync of
 * every open finding. The filter is Guava's {@link BloomFilter} (docs/libraries.md); one sync uses it
 * at a time ({@code ReviewService.store} is synchronized).
 */
final class OpenFindingIds {

  /** The false-positive rate at the size it was built for: one id in a hundred with no finding is still read. */
  private static final double FALSE_POSITIVES = 0.01;

  private final BloomFilter<CharSequence> filter;

  /** @param ids the open findings; room is left for as many again opening before the next full sync */
  OpenFindingIds(Collection<String> ids) {
    this.filter = BloomFilter.create(Funnels.stringFunnel(StandardCharsets.UTF_8),
        Math.max(1024L, 2L * ids.size()), FALSE_POSITIVES);
    ids.forEach(this::add);
  }

  void add(String id) {
    filter.put(id);
  }

  /** False only for an id never added. */
  boolean mayContain(String id) {
    return filter.mightContain(id);
  }
}
