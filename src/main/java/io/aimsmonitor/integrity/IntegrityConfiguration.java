package io.aimsmonitor.integrity;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The hash chains; at start-up, rows written before they existed are chained (the documented genesis). */
@Configuration(proxyBeanMethods = false)
public class IntegrityConfiguration {

  @Bean
  HashChains hashChains(JdbcTemplate template, Clock clock) {
    HashChains chains = new HashChains(template);
    chains.adoptExisting(clock.instant());
    return chains;
  }
}
