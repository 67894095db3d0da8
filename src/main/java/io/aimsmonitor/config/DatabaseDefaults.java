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
 * the in-memory store. Users set only {@code spring.datasource.url}; anything they set
 * explicitly still wins, as these are added as the lowest-priority property source.
 */
public final class DatabaseDefaults implements EnvironmentPostProcessor {

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
    } else {
      defaults.put("spring.quartz.job-store-type", "memory");
    }
    environment.getPropertySources().addLast(new MapPropertySource("aimsDatabaseDefaults", defaults));
  }
}
