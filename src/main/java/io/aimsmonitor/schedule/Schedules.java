package io.aimsmonitor.schedule;

import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Keeps Quartz's jobs in line with the configuration: a cron-triggered collect job per enabled
 * connector instance, a periodic and a debounced evaluation, and retention. Registration is
 * idempotent, so every replica of a cluster can run it at start.
 */
public class Schedules {

  private static final Logger log = LoggerFactory.getLogger(Schedules.class);
  private static final JobKey EVALUATE = JobKey.jobKey("evaluate", "aims");
  private static final TriggerKey EVALUATE_DEBOUNCED = TriggerKey.triggerKey("evaluate-debounced", "aims");
  private static final JobKey HOUSEKEEPING = JobKey.jobKey("housekeeping", "aims");
  /** Trigger group of run-now requests: one trigger per instance at most. */
  public static final String RUN_NOW_GROUP = "run-now";
  private static final String RETRY_GROUP = "collect-retry";
  /** Trigger group of collections asked for at start or by a reload: one pending per instance. */
  private static final String START_GROUP = "collect-now";
  private static final Duration SLOT_RETRY = Duration.ofSeconds(15);

  private final Scheduler scheduler;
  private final ConnectorInstances connectors;
  private final SnapshotRepository snapshots;
  private final RuleBook ruleBook;
  private final AimsProperties props;
  private final Clock clock;
  private final java.util.Map<String, Instant> lastRunNow = new java.util.concurrent.ConcurrentHashMap<>();

  public Schedules(Scheduler scheduler, ConnectorInstances connectors, SnapshotRepository snapshots, RuleBook ruleBook,
      AimsProperties props, Clock clock) {
    this.scheduler = scheduler;
    this.connectors = connectors;
    this.snapshots = snapshots;
    this.ruleBook = ruleBook;
    this.props = props;
    this.clock = clock;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void register() throws SchedulerException {
    // Each job is stored with its trigger in one replacing call: replicas starting together on the
    // clustered store serialize on Quartz's lock instead of racing from "does it exist?" to an
    // insert, which failed the start of all but one of them (ClusterTest).
    scheduler.scheduleJob(JobBuilder.newJob(EvaluateJob.class).withIdentity(EVALUATE).storeDurably().build(),
        Set.of(TriggerBuilder.newTrigger().withIdentity("evaluate-periodic", "aims").forJob(EVALUATE)
            .withSchedule(CronScheduleBuilder.cronSchedule(props.scheduler().evaluationSchedule())
                .withMisfireHandlingInstructionDoNothing()).build()), true);
    scheduler.scheduleJob(JobBuilder.newJob(HousekeepingJob.class).withIdentity(HOUSEKEEPING).storeDurably().build(),
        Set.of(TriggerBuilder.newTrigger().withIdentity("housekeeping", "aims").forJob(HOUSEKEEPING)
            .withSchedule(CronScheduleBuilder.cronSchedule(props.retention().schedule())
                .withMisfireHandlingInstructionDoNothing()).build()), true);

    int scheduled = syncCollectJobs(props.scheduler().collectOnStart(), Set.of());
    requestEvaluation();
    log.info("scheduled {} connector instances", scheduled);
  }

  /**
   * Makes the collect jobs match the instances in force: a job and cron trigger per enabled
   * instance, none for a removed or disabled one.
   *
   * @param collectIfNotFresh collect now every instance without a fresh snapshot
   * @param collectNow ids to collect now regardless (added or changed by a reload)
   * @return how many instances are scheduled
   */
  private synchronized int syncCollectJobs(boolean collectIfNotFresh, Set<String> collectNow) throws SchedulerException {
    Set<JobKey> wanted = new HashSet<>();
    var states = snapshots.states();
    for (ConnectorConfig config : connectors.enabled()) {
      JobKey key = JobKey.jobKey(config.id(), CollectJob.GROUP);
      wanted.add(key);
      scheduler.scheduleJob(JobBuilder.newJob(CollectJob.class).withIdentity(key)
              .usingJobData(CollectJob.CONNECTOR_ID, config.id()).storeDurably().requestRecovery().build(),
          Set.of(TriggerBuilder.newTrigger().withIdentity(config.id(), CollectJob.GROUP).forJob(key)
              .withSchedule(CronScheduleBuilder.cronSchedule(config.schedule()).withMisfireHandlingInstructionFireAndProceed())
              .build()), true);
      Optional<Instant> lastSuccess = Optional.ofNullable(states.get(config.id()))
          .flatMap(s -> s.lastSuccess()).map(SnapshotRepository.RunSummary::finishedAt);
      boolean fresh = lastSuccess.map(t -> t.plus(config.expectedInterval()).isAfter(clock.instant())).orElse(false);
      if ((collectIfNotFresh && !fresh) || collectNow.contains(config.id())) {
        collectOnce(key);
      }
    }
    for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(CollectJob.GROUP))) {
      if (!wanted.contains(key)) {
        scheduler.deleteJob(key);
        log.info("connector '{}' is no longer configured or enabled: its collect job was removed", key.getName());
      }
    }
    return wanted.size();
  }

  /**
   * Reloads changed connector files, like rule packs, on the same interval: added and changed
   * instances are rescheduled and collected now, removed ones unscheduled; a file that became
   * invalid is rejected and its previous version stays in force (see {@code /api/connectors}).
   */
  @Scheduled(fixedDelayString = "${aims.rules.reload-interval:10s}", initialDelayString = "${aims.rules.reload-interval:10s}")
  public void reloadConnectorsIfChanged() {
    if (connectors.changedOnDisk()) {
      reloadConnectors();
    }
  }

  /** Reloads the connector files now and reschedules what changed. */
  public ConnectorInstances.ReloadReport reloadConnectors() {
    ConnectorInstances.ReloadReport report = connectors.reload();
    if (report.changedAny()) {
      Set<String> collectNow = new HashSet<>(report.added());
      collectNow.addAll(report.changed());
      try {
        syncCollectJobs(false, collectNow);
      } catch (SchedulerException e) {
        log.error("connectors reloaded, but their jobs could not be rescheduled: {}", e.getMessage());
      }
      requestEvaluation();
    }
    return report;
  }

  /** What a run-now request got: a new run queued, or the run already queued or running. */
  public enum RunNow {
    QUEUED, ALREADY_QUEUED, ALREADY_RUNNING
  }

  /** A run-now request came sooner than {@code aims.scheduler.run-now-min-interval} after the last one. */
  public static final class RunNowTooSoon extends RuntimeException {
    private final Duration retryAfter;

    RunNowTooSoon(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * Collects one instance now (in addition to its schedule). A request while a run of the
   * instance is queued or running is answered with that run; a new run is accepted at most once
   * per {@code aims.scheduler.run-now-min-interval}. The one-shot trigger is dropped, not fired
   * late, if the scheduler was down when it was due, and a run-now run interrupted by a crash is
   * not recovered (see {@link CollectJob}): a crash never replays a request.
   */
  public synchronized RunNow runNow(String connectorId) throws SchedulerException {
    JobKey job = JobKey.jobKey(connectorId, CollectJob.GROUP);
    for (var running : scheduler.getCurrentlyExecutingJobs()) {
      if (running.getJobDetail().getKey().equals(job)) {
        return RunNow.ALREADY_RUNNING;
      }
    }
    TriggerKey key = TriggerKey.triggerKey(connectorId, RUN_NOW_GROUP);
    if (scheduler.checkExists(key)) {
      Trigger.TriggerState state = scheduler.getTriggerState(key);
      if (state == Trigger.TriggerState.NORMAL || state == Trigger.TriggerState.BLOCKED
          || state == Trigger.TriggerState.PAUSED) {
        return RunNow.ALREADY_QUEUED;
      }
      scheduler.unscheduleJob(key); // a request dropped as misfired (or in error) is kept as COMPLETE: not queued
    }
    Instant now = clock.instant();
    Instant last = lastRunNow.get(connectorId);
    Duration min = props.scheduler().runNowMinInterval();
    if (last != null && last.plus(min).isAfter(now)) {
      Duration wait = Duration.between(now, last.plus(min));
      throw new RunNowTooSoon("connector '" + connectorId + "' was run on request " + Duration.between(last, now).toSeconds()
          + " s ago; run-now is accepted once every " + min.toSeconds() + " s (aims.scheduler.run-now-min-interval)", wait);
    }
    try {
      scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(job).startNow()
          .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionNextWithRemainingCount())
          .build());
    } catch (ObjectAlreadyExistsException e) {
      return RunNow.ALREADY_QUEUED; // another replica queued it a moment ago
    }
    lastRunNow.put(connectorId, now);
    return RunNow.QUEUED;
  }

  /**
   * Enabled sources that were never collected and whose first collection is queued or running
   * (started by start-up, a reload, a request or a slot retry). An evaluation before it ends would
   * judge the estate without that source's evidence: absence rules would open findings that are
   * not true ("no approved AI policy", "connector overdue") only to resolve them a minute later.
   */
  public List<String> firstCollectionsPending() {
    var states = snapshots.states();
    List<String> pending = new ArrayList<>();
    for (ConnectorConfig config : connectors.enabled()) {
      if (states.containsKey(config.id())) {
        continue;
      }
      try {
        for (String group : List.of(START_GROUP, RETRY_GROUP, RUN_NOW_GROUP)) {
          if (scheduler.checkExists(TriggerKey.triggerKey(config.id(), group))) {
            pending.add(config.id());
            break;
          }
        }
      } catch (SchedulerException e) {
        log.warn("could not check whether connector '{}' is being collected: {}", config.id(), e.getMessage());
      }
    }
    return pending;
  }

  /** Collects an instance again shortly: it found no free collection slot on this replica. */
  void retryCollectionSoon(String connectorId) {
    TriggerKey key = TriggerKey.triggerKey(connectorId, RETRY_GROUP);
    try {
      scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(JobKey.jobKey(connectorId, CollectJob.GROUP))
          .startAt(Date.from(clock.instant().plus(SLOT_RETRY))).build());
    } catch (ObjectAlreadyExistsException e) {
      // a retry is already due
    } catch (SchedulerException e) {
      log.warn("connector '{}': could not schedule a retry: {}", connectorId, e.getMessage());
    }
  }

  /**
   * Evaluates soon: after the debounce delay, restarting the delay if a request is already
   * pending, so several connectors finishing together cause one evaluation.
   */
  public void requestEvaluation() {
    // Quartz fires triggers by the system clock, so the start is counted from it, not from the
    // injected clock (which decides evaluation time and may be moved in tests).
    Trigger trigger = TriggerBuilder.newTrigger().withIdentity(EVALUATE_DEBOUNCED).forJob(EVALUATE)
        .startAt(new Date(System.currentTimeMillis() + props.scheduler().evaluationDebounce().toMillis())).build();
    try {
      // Reschedule first and schedule only when there was nothing to reschedule: between a check and
      // either call the pending request may fire (and be removed) or another replica may make one,
      // and neither may lose this request or fail it.
      if (scheduler.rescheduleJob(EVALUATE_DEBOUNCED, trigger) == null) {
        try {
          scheduler.scheduleJob(trigger);
        } catch (ObjectAlreadyExistsException e) {
          scheduler.rescheduleJob(EVALUATE_DEBOUNCED, trigger);
        }
      }
    } catch (SchedulerException e) {
      log.warn("could not schedule an evaluation: {}", e.getMessage());
    }
  }

  /** Reloads changed rule packs and re-evaluates; polling works with ConfigMap volume updates. */
  @Scheduled(fixedDelayString = "${aims.rules.reload-interval:10s}", initialDelayString = "${aims.rules.reload-interval:10s}")
  public void reloadRulesIfChanged() {
    if (ruleBook.changedOnDisk()) {
      reloadRules();
    }
  }

  /** Reloads rule packs now; re-evaluates if any pack changed. */
  public RuleBook.ReloadReport reloadRules() {
    RuleBook.ReloadReport report = ruleBook.reload();
    if (report.changed()) {
      requestEvaluation();
    }
    return report;
  }

  /** Next scheduled collection of an instance, if scheduled. */
  public Optional<Instant> nextRun(String connectorId) {
    try {
      Trigger t = scheduler.getTrigger(TriggerKey.triggerKey(connectorId, CollectJob.GROUP));
      return Optional.ofNullable(t).map(Trigger::getNextFireTime).map(Date::toInstant);
    } catch (SchedulerException e) {
      return Optional.empty();
    }
  }

  /**
   * Collects now, once across the cluster: not runNow, as start-up and reload collections are not
   * rate-limited user requests, and with a named trigger, so that replicas starting together
   * queue one collection of a source that is not fresh, not one each.
   */
  private void collectOnce(JobKey job) throws SchedulerException {
    try {
      scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(job.getName(), START_GROUP).forJob(job).startNow()
          .build());
    } catch (ObjectAlreadyExistsException e) {
      // another replica queued it a moment ago
    }
  }
}
