package io.aimsmonitor.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** One evaluation cycle; single-flight through the scheduler (and, clustered, across replicas). */
@DisallowConcurrentExecution
public class EvaluateJob implements Job {

  private final MonitorService monitor;

  public EvaluateJob(MonitorService monitor) {
    this.monitor = monitor;
  }

  @Override
  public void execute(JobExecutionContext context) {
    monitor.evaluate();
  }
}
