package io.aimsmonitor.schedule;

import io.aimsmonitor.store.LineageEventRepository;
import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes old connector runs, never a source's latest good snapshot, and pushed
 * OpenLineage events older than the same {@code aims.retention.keep-for}.
 */
@DisallowConcurrentExecution
public class HousekeepingJob implements Job {

  private static final Logger log = LoggerFactory.getLogger(HousekeepingJob.class);

  private final SnapshotRepository snapshots;
  private final LineageEventRepository lineageEvents;
  private final AimsProperties props;
  private final Clock clock;

  public HousekeepingJob(SnapshotRepository snapshots, LineageEventRepository lineageEvents, AimsProperties props,
      Clock clock) {
    this.snapshots = snapshots;
    this.lineageEvents = lineageEvents;
    this.props = props;
    this.clock = clock;
  }

  @Override
  public void execute(JobExecutionContext context) {
    int deleted = snapshots.prune(props.retention().keepFor(), props.retention().keepRuns(), clock.instant());
    log.info("retention: deleted {} connector runs older than {}", deleted, props.retention().keepFor());
    int events = lineageEvents.prune(props.retention().keepFor(), clock.instant());
    if (events > 0) {
      log.info("retention: deleted {} OpenLineage events older than {}", events, props.retention().keepFor());
    }
  }
}
