package io.aimsmonitor.schedule;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import org.quartz.Scheduler;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Scheduling is on for {@code serve}; {@code scan} turns it off with {@code aims.scheduler.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "aims.scheduler.enabled", havingValue = "true", matchIfMissing = true)
public class ScheduleConfiguration {

  @Bean
  Schedules schedules(Scheduler scheduler, ConnectorInstances connectors, SnapshotRepository snapshots,
      RuleBook ruleBook, AimsProperties props, Clock clock, AuditLog audit, TransactionTemplate tx) {
    return new Schedules(scheduler, connectors, snapshots, ruleBook, props, clock, audit, tx);
  }

  @Bean
  CollectionSlots collectionSlots(AimsProperties props) {
    return new CollectionSlots(props.scheduler().maxConcurrentCollections(), props.scheduler().maxCollectionsPerSource());
  }
}
