package io.aimsmonitor.schedule;

import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Snapshot retention: deletes old connector runs, never a source's latest good snapshot. */
@DisallowConcurrentExecution
public class HousekeepingJob implements Job {

  private static final Logger log = LoggerFactory.getLogger(HousekeepingJob.class);

  private final SnapshotRepository snapshots;
  private final AimsProperties props;
  private final Clock clock;

  public HousekeepingJob(SnapshotRepository snapshots, AimsProperties props, Clock clock) {
    this.snapshots = snapshots;
    this.props = props;
    this.clock = clock;
  }

  @Override
  public void execute(JobExecutionContext context) {
    int deleted = snapshots.prune(props.retention().keepFor(), props.retention().keepRuns(), clock.instant());
    log.info("retention: deleted {} connector runs older than {}", deleted, props.retention().keepFor());
  }
}
