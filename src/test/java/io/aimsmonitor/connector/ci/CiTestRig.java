package io.aimsmonitor.connector.ci;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Runs a CI connector once against a local fake server, with a clock and a sleeper the test
 * controls: rate-limit and retry waits are recorded instead of slept, so tests see every wait
 * without waiting.
 */
public final class CiTestRig {

  private CiTestRig() {}

  /** What one run produced. */
  public record Run(List<PipelineRun> runs, List<Duration> rateLimitWaits, List<Long> sleeps, int pages) {
    public PipelineRun run(String runId) {
      return runs.stream().filter(r -> r.runId().equals(runId)).findFirst()
          .orElseThrow(() -> new AssertionError("no run " + runId + " among " + runs.stream().map(PipelineRun::runId).toList()));
    }

    public List<Fact> facts() {
      return List.copyOf(runs);
    }
  }

  public static Run run(ConnectorConfig config, Connector connector, Map<String, String> env, List<Fact> previous,
      boolean fullRefresh, Clock clock) throws Exception {
    List<Fact> facts = new ArrayList<>();
    List<Duration> waits = new ArrayList<>();
    List<Long> sleeps = new ArrayList<>();
    int[] pages = {0};
    Progress progress = new Progress() {
      @Override public void page(String what) {
        pages[0]++;
      }

      @Override public void items(int count) {}

      @Override public void rateLimitWait(Duration wait) {
        waits.add(wait);
      }
    };
    HttpClientFactory http = new HttpClientFactory(config, new Secrets(env), progress, Cancellation.NEVER, clock,
        sleeps::add);
    connector.collect(new CollectContext(config, http, facts::add, Cancellation.NEVER, progress, previous, fullRefresh,
        clock));
    List<PipelineRun> runs = new ArrayList<>(facts.stream().map(PipelineRun.class::cast).toList());
    runs.sort(Comparator.comparing(PipelineRun::repository).thenComparing(PipelineRun::runId));
    return new Run(List.copyOf(runs), List.copyOf(waits), List.copyOf(sleeps), pages[0]);
  }
}
