package io.aimsmonitor.schedule;

import io.aimsmonitor.connector.ConnectorConfig;
import java.util.Optional;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one connector instance (job data {@code connectorId}), then asks for a debounced
 * evaluation. One job per instance, never two runs of the same instance at once, even across
 * replicas on the clustered job store.
 */
@DisallowConcurrentExecution
public class CollectJob implements InterruptableJob {

  private static final Logger log = LoggerFactory.getLogger(CollectJob.class);

  public static final String GROUP = "collect";
  public static final String CONNECTOR_ID = "connectorId";

  private final MonitorService monitor;
  private final Schedules schedules;
  private final CollectionSlots slots;
  private volatile boolean interrupted;

  public CollectJob(MonitorService monitor, Schedules schedules, CollectionSlots slots) {
    this.monitor = monitor;
    this.schedules = schedules;
    this.slots = slots;
  }

  @Override
  public void execute(JobExecutionContext context) {
    String connectorId = context.getMergedJobDataMap().getString(CONNECTOR_ID);
    Optional<ConnectorConfig> config = monitor.connectors().find(connectorId);
    if (config.isEmpty()) {
      return; // removed from configuration since the trigger was stored
    }
    if (context.isRecovering() && Schedules.RUN_NOW_GROUP.equals(
        context.getMergedJobDataMap().getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_GROUP))) {
      log.info("connector '{}': a run-now request interrupted by a crash is not replayed", connectorId);
      return;
    }
    CollectionSlots.Slot slot = slots.tryAcquire(config.get());
    if (slot == null) {
      // Give the thread back: evaluation and other sources must not wait behind this one.
      schedules.retryCollectionSoon(connectorId);
      return;
    }
    try (slot) {
      monitor.collect(connectorId, () -> interrupted);
    }
    schedules.requestEvaluation();
  }

  @Override
  public void interrupt() {
    interrupted = true;
  }
}
