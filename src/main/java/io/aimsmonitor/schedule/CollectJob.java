package io.aimsmonitor.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;

/**
 * Collects one connector instance (job data {@code connectorId}), then asks for a debounced
 * evaluation. One job per instance, never two runs of the same instance at once, even across
 * replicas on the clustered job store.
 */
@DisallowConcurrentExecution
public class CollectJob implements InterruptableJob {

  public static final String GROUP = "collect";
  public static final String CONNECTOR_ID = "connectorId";

  private final MonitorService monitor;
  private final Schedules schedules;
  private volatile boolean interrupted;

  public CollectJob(MonitorService monitor, Schedules schedules) {
    this.monitor = monitor;
    this.schedules = schedules;
  }

  @Override
  public void execute(JobExecutionContext context) {
    String connectorId = context.getMergedJobDataMap().getString(CONNECTOR_ID);
    if (monitor.connectors().find(connectorId).isEmpty()) {
      return; // removed from configuration since the trigger was stored
    }
    monitor.collect(connectorId, () -> interrupted);
    schedules.requestEvaluation();
  }

  @Override
  public void interrupt() {
    interrupted = true;
  }
}
