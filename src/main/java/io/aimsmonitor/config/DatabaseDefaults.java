package io.aimsmonitor.config;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Chooses Quartz's job store from the database: on PostgreSQL the clustered JDBC store (several
 * replicas share the schedule and each trigger fires on one of them); on the embedded H2 default
 * the in-memory store. On PostgreSQL it also sets the driver properties of
 * {@link #POSTGRES_DRIVER_PROPERTIES}. Users set only {@code spring.datasource.url}; anything they set
 * explicitly still wins, as these are added as the lowest-priority property source (and a driver
 * property given as a parameter of the URL wins over the pool's, in pgjdbc).
 */
public final class DatabaseDefaults implements EnvironmentPostProcessor {

  /**
   * pgjdbc properties for every PostgreSQL data source of the application (and of the tests and
   * benchmarks, which read them here). {@code reWriteBatchedInserts}: a JDBC batch of single-row
   * INSERTs is sent as multi-row INSERTs (up to 128 rows a statement), WHY: reconciling 100,000 new
   * findings inserts 100,000 rows each of findings, owners and events, plus their controls, and one
   * statement per row was most of the server's work (issue #14). Only INSERT batches change; the
   * store reads no row counts or generated keys from INSERT batches.
   */
  public static final Map<String, String> POSTGRES_DRIVER_PROPERTIES = Map.of("reWriteBatchedInserts", "true");

  /**
   * The settings the embedded H2 default's URL carries after the file's path: those of
   * application.yaml's {@code spring.datasource.url}, here so that the benchmarks open H2 as the
   * application does (a test keeps the two equal). WHY no page or cache size: {@code PAGE_SIZE=65536}
   * and {@code CACHE_SIZE} were measured for the first evaluation's store and did not make it
   * faster (docs/benchmarks.md, "First evaluation's store on H2: larger pages"); nor did the
   * background writer's and compaction's {@code WRITE_DELAY=5000}, {@code AUTO_COMPACT_FILL_RATE=50}
   * or {@code 0}: the same pages read back, and H2's background thread used under 1% of the store's
   * CPU ("First evaluation's store on H2: which threads", same document).
   */
  public static final String H2_URL_SETTINGS = ";DB_CLOSE_ON_EXIT=FALSE";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String url = environment.getProperty("spring.datasource.url", "");
    Map<String, Object> defaults = new HashMap<>();
    if (url.startsWith("jdbc:postgresql:")) {
      defaults.put("spring.quartz.job-store-type", "jdbc");
      defaults.put("spring.quartz.jdbc.initialize-schema", "never"); // Flyway creates the QRTZ_ tables
      defaults.put("spring.quartz.properties.org.quartz.jobStore.isClustered", "true");
      defaults.put("spring.quartz.properties.org.quartz.jobStore.driverDelegateClass",
          "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
      defaults.put("spring.quartz.properties.org.quartz.scheduler.instanceId", "AUTO");
      defaults.put("spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval", "10000");
      // Acquire triggers under Quartz's row lock, as replacing a trigger does: without it a replica
      // scanning for the next trigger while another replaced the debounced evaluation trigger
      // failed with "No record found" and an ERROR stack trace (ClusterTest).
      defaults.put("spring.quartz.properties.org.quartz.jobStore.acquireTriggersWithinLock", "true");
      POSTGRES_DRIVER_PROPERTIES.forEach((name, value) ->
          defaults.put("spring.datasource.hikari.data-source-properties." + name, value));
    } else {
      defaults.put("spring.quartz.job-store-type", "memory");
    }
    environment.getPropertySources().addLast(new MapPropertySource("aimsDatabaseDefaults", defaults));
  }
}
