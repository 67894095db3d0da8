package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/** Run-now requests: de-duplicated while queued, rate-limited, and dropped rather than replayed late. */
class RunNowTest {

  static final AtomicInteger RUNS = new AtomicInteger();

  /** Stands in for CollectJob: counts executions. */
  public static class CountingJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      RUNS.incrementAndGet();
    }
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
  private Scheduler scheduler;

  private Schedules schedules() throws Exception {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "run-now-" + UUID.randomUUID());
    p.setProperty("org.quartz.threadPool.threadCount", "1");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "100");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    scheduler.addJob(JobBuilder.newJob(CountingJob.class).withIdentity(JobKey.jobKey("x", CollectJob.GROUP))
        .storeDurably().build(), true);
    AimsProperties props = new AimsProperties(null, null, null,
        new AimsProperties.Scheduler(true, true, Duration.ofSeconds(5), "0 0 * * * ?", 4, 2, Duration.ofSeconds(30)),
        new AimsProperties.Rules(Duration.ofSeconds(10), Map.of(), null, true, Duration.ofHours(1), ""), null);
    return new Schedules(scheduler, null, null, null, props, clock, null, null);
  }

  @AfterEach
  void stop() throws Exception {
    scheduler.shutdown(false);
  }

  @Test
  void aSecondRequestWhileQueuedIsAnsweredWithTheQueuedRunAndRequestsAreRateLimited() throws Exception {
    Schedules schedules = schedules();
    assertThat(schedules.runNow("x")).isEqualTo(Schedules.RunNow.QUEUED);
    assertThat(schedules.runNow("x")).isEqualTo(Schedules.RunNow.ALREADY_QUEUED);
    assertThat(scheduler.getTriggersOfJob(JobKey.jobKey("x", CollectJob.GROUP))).hasSize(1);

    scheduler.unscheduleJob(TriggerKey.triggerKey("x", Schedules.RUN_NOW_GROUP)); // as if it had run
    clock.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> schedules.runNow("x")).isInstanceOf(Schedules.RunNowTooSoon.class)
        .hasMessageContaining("aims.scheduler.run-now-min-interval")
        .satisfies(e -> assertThat(((Schedules.RunNowTooSoon) e).retryAfter()).isEqualTo(Duration.ofSeconds(20)));
    clock.advance(Duration.ofSeconds(21));
    assertThat(schedules.runNow("x")).isEqualTo(Schedules.RunNow.QUEUED);
  }

  @Test
  void aRequestWhoseSchedulerWasDownWhenItWasDueIsDroppedNotReplayed() throws Exception {
    Schedules schedules = schedules();
    RUNS.set(0);
    assertThat(schedules.runNow("x")).isEqualTo(Schedules.RunNow.QUEUED);
    Thread.sleep(600); // the scheduler is "down" (not started) past the misfire threshold
    scheduler.start();
    TriggerKey key = TriggerKey.triggerKey("x", Schedules.RUN_NOW_GROUP);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (scheduler.getTriggerState(key) == org.quartz.Trigger.TriggerState.NORMAL && RUNS.get() == 0
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(300);
    assertThat(RUNS.get()).as("a late run-now request is dropped, not replayed").isZero();
    assertThat(scheduler.getTriggerState(key)).isIn(org.quartz.Trigger.TriggerState.COMPLETE,
        org.quartz.Trigger.TriggerState.NONE);
    // and it does not block later requests
    clock.advance(Duration.ofMinutes(1));
    assertThat(schedules.runNow("x")).isEqualTo(Schedules.RunNow.QUEUED);
  }
}
