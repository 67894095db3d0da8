package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Replicas starting together each queue a collection of a source that is not fresh, under one
 * trigger name, so that it runs once. Each checks that the trigger does not exist before storing it,
 * and the check is not under Quartz's lock: two replicas can both pass it, and the second insert then
 * fails. That failure once stopped a replica's start (ClusterTest); here the race is forced by a
 * scheduler whose check always says "not there", as it did to the replica that lost.
 */
class CollectAtStartTest {

  private Scheduler scheduler;

  @AfterEach
  void stop() throws Exception {
    scheduler.shutdown(false);
  }

  @Test
  void aCollectionAnotherReplicaQueuedBetweenTheCheckAndTheInsertIsLeftQueuedOnce() throws Exception {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "collect-at-start-" + UUID.randomUUID());
    p.setProperty("org.quartz.threadPool.threadCount", "1");
    scheduler = new StdSchedulerFactory(p).getScheduler(); // not started: nothing fires
    JobKey job = JobKey.jobKey("mlflow-prod", CollectJob.GROUP);
    scheduler.addJob(JobBuilder.newJob(RunNowTest.CountingJob.class).withIdentity(job).storeDurably().build(), true);
    Scheduler checkSaysAbsent = (Scheduler) Proxy.newProxyInstance(Scheduler.class.getClassLoader(),
        new Class<?>[] {Scheduler.class}, (proxy, method, args) -> {
          if (method.getName().equals("checkExists") && args[0] instanceof TriggerKey) {
            return false;
          }
          try {
            return method.invoke(scheduler, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    AimsProperties props = new AimsProperties(null, null, null,
        new AimsProperties.Scheduler(true, true, Duration.ofSeconds(5), "0 0 * * * ?", 4, 2, Duration.ofSeconds(30)),
        new AimsProperties.Rules(Duration.ofSeconds(10), Map.of(), null, true, Duration.ofHours(1), ""), null);
    Schedules schedules = new Schedules(checkSaysAbsent, null, null, null, props,
        new MutableClock(Instant.parse("2026-11-01T10:00:00Z")), null, null);

    schedules.collectOnce(job); // the replica that won
    schedules.collectOnce(job); // the one that lost the race: must not fail its start

    assertThat(scheduler.getTriggersOfJob(job)).singleElement()
        .satisfies(t -> assertThat(t.getKey().getGroup()).isEqualTo("collect-now"));
  }
}
