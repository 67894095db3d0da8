package io.aimsmonitor.schedule;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.store.SnapshotRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
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
import org.springframework.transaction.support.TransactionTemplate;

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
  /** How long evaluation waits for a source's first collection; see {@link #firstCollectionsPending}. */
  static final Duration FIRST_COLLECTION_WAIT = Duration.ofMinutes(2);

  private final Scheduler scheduler;
  private final ConnectorInstances connectors;
  private final SnapshotRepository snapshots;
  private final RuleBook ruleBook;
  private final AimsProperties props;
  private final Clock clock;
  private final AuditLog audit;
  private final TransactionTemplate tx;
  private final java.util.Map<String, Instant> lastRunNow = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param tx the database's transactions: with Quartz's JDBC store, every change of triggers runs
   *     in one, so that the row lock Quartz takes for it is held until the change is committed
   *     (see {@link #locked}); null runs them as they are (the in-memory store)
   */
  public Schedules(Scheduler scheduler, ConnectorInstances connectors, SnapshotRepository snapshots, RuleBook ruleBook,
      AimsProperties props, Clock clock, AuditLog audit, TransactionTemplate tx) {
    this.tx = tx;
    this.scheduler = scheduler;
    this.connectors = connectors;
    this.snapshots = snapshots;
    this.ruleBook = ruleBook;
    this.props = props;
    this.clock = clock;
    this.audit = audit;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void register() throws SchedulerException {
    scheduleCron(JobBuilder.newJob(EvaluateJob.class).withIdentity(EVALUATE).storeDurably().build(),
        TriggerKey.triggerKey("evaluate-periodic", "aims"),
        CronScheduleBuilder.cronSchedule(props.scheduler().evaluationSchedule()).withMisfireHandlingInstructionDoNothing());
    scheduleCron(JobBuilder.newJob(HousekeepingJob.class).withIdentity(HOUSEKEEPING).storeDurably().build(),
        TriggerKey.triggerKey("housekeeping", "aims"),
        CronScheduleBuilder.cronSchedule(props.retention().schedule()).withMisfireHandlingInstructionDoNothing());

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
      scheduleCron(JobBuilder.newJob(CollectJob.class).withIdentity(key)
              .usingJobData(CollectJob.CONNECTOR_ID, config.id()).storeDurably().requestRecovery().build(),
          TriggerKey.triggerKey(config.id(), CollectJob.GROUP),
          CronScheduleBuilder.cronSchedule(config.schedule()).withMisfireHandlingInstructionFireAndProceed());
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
    java.util.List<String> before = connectors.configs().stream().map(ConnectorConfig::id).sorted().toList();
    ConnectorInstances.ReloadReport report = connectors.reload();
    if (report.changedAny() || !report.rejected().isEmpty()) {
      // the connector files changed on disk: who edited them is in their own history, the change is audited here
      audit.recordAs(AuditLog.FILE_WATCH, "connectors.reload", "connector files", java.util.Map.of("instances", before),
          java.util.Map.of("instances", connectors.configs().stream().map(ConnectorConfig::id).sorted().toList(),
              "added", report.added(), "changed", report.changed(), "removed", report.removed(),
              "rejected", report.rejected().stream().map(r -> r.file().getFileName().toString()).toList()));
    }
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
      locked(() -> scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(job).startNow()
          .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionNextWithRemainingCount())
          .build()));
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
   * A first collection queued longer than {@link #FIRST_COLLECTION_WAIT} ago no longer holds
   * evaluation back: a source that hangs until its run timeout must not stop every other
   * source's findings from being updated (its own stay stale, as for any source not fresh).
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
          Trigger queued = scheduler.getTrigger(TriggerKey.triggerKey(config.id(), group));
          if (queued != null && queued.getStartTime().getTime() > System.currentTimeMillis() - FIRST_COLLECTION_WAIT.toMillis()) {
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
      locked(() -> scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key)
          .forJob(JobKey.jobKey(connectorId, CollectJob.GROUP)).startAt(Date.from(clock.instant().plus(SLOT_RETRY))).build()));
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
      // Reschedule, or schedule when there is nothing to reschedule (the pending request fired and
      // was removed), under Quartz's lock, so that no replica's request is lost or fails.
      locked(() -> scheduler.rescheduleJob(EVALUATE_DEBOUNCED, trigger) != null ? null : scheduler.scheduleJob(trigger));
    } catch (SchedulerException e) {
      log.warn("could not schedule an evaluation: {}", e.getMessage());
    }
  }

  /** Reloads changed rule packs and re-evaluates; polling works with ConfigMap volume updates. */
  @Scheduled(fixedDelayString = "${aims.rules.reload-interval:10s}", initialDelayString = "${aims.rules.reload-interval:10s}")
  public void reloadRulesIfChanged() {
    if (ruleBook.changedOnDisk()) {
      reloadRules(RuleReloadAudit.FILE_WATCH);
    }
  }

  /** Reloads rule packs now, audited as done by the current actor (the API's caller); re-evaluates if any pack changed. */
  public RuleBook.ReloadReport reloadRules() {
    return reloadRules(AuditLog.currentActor());
  }

  private RuleBook.ReloadReport reloadRules(String actor) {
    RuleBook.ReloadReport report = RuleReloadAudit.reload(ruleBook, ruleBook::reload, audit, actor);
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

  /** A change of Quartz's store. */
  private interface SchedulerChange<T> {
    T run() throws SchedulerException;
  }

  /**
   * Runs a change of Quartz's store in a database transaction. Spring runs Quartz's JDBC store as
   * container-managed (JobStoreCMT): the row lock Quartz takes to serialize changes of triggers
   * is taken on the caller's connection, and outside a transaction that connection commits, and so
   * releases the lock, after each statement. Replicas then raced from "does it exist?" to an insert
   * (duplicate keys at start) and rescheduled the debounced evaluation under each other's feet
   * ("No record found"), which ClusterTest showed.
   */
  private <T> T locked(SchedulerChange<T> change) throws SchedulerException {
    if (tx == null) {
      return change.run();
    }
    try {
      return tx.execute(status -> {
        try {
          return change.run();
        } catch (SchedulerException e) {
          throw new ChangeFailed(e);
        }
      });
    } catch (ChangeFailed e) {
      throw e.cause;
    }
  }

  private static final class ChangeFailed extends RuntimeException {
    private final SchedulerException cause;

    ChangeFailed(SchedulerException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  /**
   * Stores a job and its cron trigger, leaving a trigger that already has this schedule alone.
   * Every replica registers the jobs at start (idempotently), and replacing an unchanged trigger
   * reset its next fire time: Quartz counts a cron trigger's first fire from a second before its
   * start, so a replica starting just after another fired the trigger fired it again
   * (ClusterTest). A new or changed trigger starts a second from now for the same reason. Job and
   * trigger are stored in one call, under Quartz's lock, so replicas starting together do not race
   * from "does it exist?" to an insert (which failed the start of all but one of them).
   */
  private void scheduleCron(JobDetail job, TriggerKey key, CronScheduleBuilder schedule) throws SchedulerException {
    CronTrigger wanted = TriggerBuilder.newTrigger().withIdentity(key).forJob(job.getKey())
        .startAt(new Date(System.currentTimeMillis() + 1000)).withSchedule(schedule).build();
    locked(() -> {
      if (scheduler.getTrigger(key) instanceof CronTrigger existing && existing.getJobKey().equals(job.getKey())
          && existing.getCronExpression().equals(wanted.getCronExpression())
          && existing.getMisfireInstruction() == wanted.getMisfireInstruction()) {
        scheduler.addJob(job, true); // keeps the job's class and data current; the trigger's times are untouched
      } else {
        scheduler.scheduleJob(job, Set.of(wanted), true);
      }
      return null;
    });
  }


  /**
   * Collects now, once across the cluster: not runNow, as start-up and reload collections are not
   * rate-limited user requests, and with a named trigger, so that replicas starting together
   * queue one collection of a source that is not fresh, not one each.
   */
  void collectOnce(JobKey job) throws SchedulerException {
    try {
      locked(() -> {
        if (!scheduler.checkExists(TriggerKey.triggerKey(job.getName(), START_GROUP))) {
          scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(job.getName(), START_GROUP).forJob(job)
              .startNow().build());
        } // else another replica queued it a moment ago
        return null;
      });
    } catch (ObjectAlreadyExistsException e) {
      // another replica stored it between the check and the insert: the check runs before Quartz
      // takes its lock (which the insert takes), so replicas starting together can both pass it.
      // The collection is queued once, which is what was wanted; failing here stopped this
      // replica's start (ClusterTest, 2 December 2026).
      log.debug("connector '{}': collection at start already queued by another replica", job.getName());
    }
  }
}
