package io.aimsmonitor.schedule;

import java.util.List;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One evaluation cycle; single-flight through the scheduler (and, clustered, across replicas).
 * While a source's first collection is still queued or running, the cycle waits for it (the
 * collection asks for an evaluation when it ends), so a start never judges an estate whose
 * evidence has not been read yet.
 */
@DisallowConcurrentExecution
public class EvaluateJob implements Job {

  private static final Logger log = LoggerFactory.getLogger(EvaluateJob.class);

  private final MonitorService monitor;
  private final Schedules schedules;

  public EvaluateJob(MonitorService monitor, Schedules schedules) {
    this.monitor = monitor;
    this.schedules = schedules;
  }

  @Override
  public void execute(JobExecutionContext context) {
    List<String> pending = schedules.firstCollectionsPending();
    if (!pending.isEmpty()) {
      log.info("evaluation waits for the first collection of {}", String.join(", ", pending));
      // asked again, in case the collection ended between its own request and this check
      schedules.requestEvaluation();
      return;
    }
    monitor.evaluate();
  }
}
