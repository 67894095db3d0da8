package io.aimsmonitor.schedule;

import io.aimsmonitor.store.LineageEventRepository;
import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes evaluation records older than {@code aims.retention.evaluations}, old
 * connector runs (never a source's latest good snapshot, nor one a kept evaluation record names),
 * and pushed OpenLineage events older than the same {@code aims.retention.keep-for}.
 */
@DisallowConcurrentExecution
public class HousekeepingJob implements Job {

  private static final Logger log = LoggerFactory.getLogger(HousekeepingJob.class);

  private final SnapshotRepository snapshots;
  private final LineageEventRepository lineageEvents;
  private final EvaluationRepository evaluations;
  private final AimsProperties props;
  private final Clock clock;

  public HousekeepingJob(SnapshotRepository snapshots, LineageEventRepository lineageEvents,
      EvaluationRepository evaluations, AimsProperties props, Clock clock) {
    this.snapshots = snapshots;
    this.evaluations = evaluations;
    this.lineageEvents = lineageEvents;
    this.props = props;
    this.clock = clock;
  }

  @Override
  public void execute(JobExecutionContext context) {
    // records first: the snapshots and pack versions they name are kept while they exist
    int records = evaluations.records().prune(props.retention().evaluations(), clock.instant());
    if (records > 0) {
      log.info("retention: deleted {} evaluation records older than {}", records, props.retention().evaluations());
    }
    int deleted = snapshots.prune(props.retention().keepFor(), props.retention().keepRuns(), clock.instant());
    log.info("retention: deleted {} connector runs older than {}", deleted, props.retention().keepFor());
    int events = lineageEvents.prune(props.retention().keepFor(), clock.instant());
    if (events > 0) {
      log.info("retention: deleted {} OpenLineage events older than {}", events, props.retention().keepFor());
    }
  }
}
