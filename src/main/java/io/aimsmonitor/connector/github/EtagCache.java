package io.aimsmonitor.connector.github;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the last {@code 200} of each URL said, with its {@code ETag}, so that the next request can be
 * conditional ({@code If-None-Match}): GitHub answers an unchanged resource with {@code 304 Not
 * Modified}, which does not count against the rate limit. Holds the mapped result (runs of a page
 * and its next link, or a run's jobs), not the raw body, to stay small.
 *
 * <p>One cache per connector instance, in memory, bounded (least recently used entries go first).
 * It does not survive a restart or a change of the instance's file: the first run after either
 * sends plain requests and fills it again.
 */
final class EtagCache {

  /** A cached response: its validator and what the connector made of it. */
  record Entry(String etag, Object value) {}

  private final Map<String, Entry> entries;

  EtagCache(int maxEntries) {
    this.entries = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  synchronized Entry get(String url) {
    return entries.get(url);
  }

  synchronized void put(String url, String etag, Object value) {
    if (etag != null && !etag.isBlank()) {
      entries.put(url, new Entry(etag, value));
    }
  }

  synchronized int size() {
    return entries.size();
  }
}
