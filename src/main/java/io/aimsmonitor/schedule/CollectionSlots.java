package io.aimsmonitor.schedule;

import io.aimsmonitor.connector.ConnectorConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * How many collections may run at once on this replica: at most {@code total}, and at most
 * {@code perSource} against one host (or, for instances without a base URL, of one type). Quartz
 * runs collections, evaluation and housekeeping on one thread pool; a collection that finds no
 * slot gives its thread back at once (and is retried shortly), so slow or stuck sources can hold
 * at most {@code total} threads and evaluation and housekeeping always find one.
 */
public final class CollectionSlots {

  private final Semaphore total;
  private final int perSource;
  private final Map<String, Semaphore> bySource = new ConcurrentHashMap<>();

  public CollectionSlots(int total, int perSource) {
    this.total = new Semaphore(Math.max(1, total));
    this.perSource = Math.max(1, perSource);
  }

  /** A held slot; release it when the run ends. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /** The slot for one run of {@code config}, or null when this replica has none free. */
  public Slot tryAcquire(ConnectorConfig config) {
    Semaphore source = bySource.computeIfAbsent(sourceKey(config), k -> new Semaphore(perSource));
    if (!source.tryAcquire()) {
      return null;
    }
    if (!total.tryAcquire()) {
      source.release();
      return null;
    }
    return () -> {
      total.release();
      source.release();
    };
  }

  /** The host an instance reads, or its type when it reads no HTTP API. */
  static String sourceKey(ConnectorConfig config) {
    return config.baseUrl() != null && config.baseUrl().getHost() != null
        ? "host:" + config.baseUrl().getHost().toLowerCase(java.util.Locale.ROOT)
        : "type:" + config.type();
  }
}
