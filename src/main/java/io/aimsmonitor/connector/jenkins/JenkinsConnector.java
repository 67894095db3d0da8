package io.aimsmonitor.connector.jenkins;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PageGuard;
import io.aimsmonitor.connector.ci.PreviousRuns;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.PipelineRun.TestSummary;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Collects Jenkins builds through the JSON remote access API. Folders (plain folders, organization
 * folders, multibranch projects: anything with a {@code jobs} list) are walked recursively; each
 * job's builds are read from {@code allBuilds} in {@code tree=allBuilds[...]{M,N}} windows of 100,
 * newest first, until a window comes back short ({@code builds} alone would stop at the newest
 * 100). The git sha is the {@code BuildData} action's {@code lastBuiltRevision.SHA1}; test counts
 * come from the action with {@code totalCount} (JUnit's {@code TestResultAction}).
 *
 * <p>Incremental: with a previous snapshot, a job's windows stop once they reach back to the
 * newest build the snapshot had finished (and to the oldest it had still building); older
 * builds are carried over. A build Jenkins has since discarded stays until the next full refresh.
 */
final class JenkinsConnector implements Connector {

  static final String CI_SYSTEM = "jenkins";
  static final int WINDOW = 100;
  static final String BUILD_FIELDS = "number,url,result,timestamp,duration,building,"
      + "actions[_class,lastBuiltRevision[SHA1,branch[name]],remoteUrls,failCount,skipCount,totalCount]";
  private static final Logger log = LoggerFactory.getLogger(JenkinsConnector.class);

  private final ConnectorConfig config;
  private final JenkinsOptions options;

  JenkinsConnector(ConnectorConfig config, JenkinsOptions options) {
    this.config = config;
    this.options = options;
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    PreviousRuns previous = PreviousRuns.of(context.previous(), config.id(), context.fullRefresh());
    try (ApiClient api = context.http().open()) {
      List<String> jobs = new ArrayList<>();
      if (options.jobs().isEmpty()) {
        walk(api, context, List.of(), 0, jobs);
      } else {
        for (String root : options.jobs()) {
          walk(api, context, List.of(root.split("/")), 0, jobs);
        }
      }
      for (String job : jobs.stream().distinct().sorted().toList()) {
        context.cancellation().check();
        builds(api, context, job, previous, now).values().forEach(context.sink());
      }
      log.debug("connector '{}': {} jobs", config.id(), jobs.size());
    }
  }

  /** Adds the job at {@code path}, or every job under it when it is a folder. */
  private void walk(ApiClient api, CollectContext context, List<String> path, int depth, List<String> jobs)
      throws ConnectorException, InterruptedException {
    context.cancellation().check();
    URI uri = api.url(jobPath(path) + "/api/json", Map.of("tree", "_class,jobs[name,_class]"));
    JsonNode node = api.get(uri).body();
    if (!node.isObject()) {
      throw malformed(uri, "expected a JSON object");
    }
    JsonNode children = node.get("jobs");
    if (children == null) {
      if (path.isEmpty()) {
        throw malformed(uri, "the Jenkins root has no jobs list");
      }
      jobs.add(String.join("/", path));
      return;
    }
    if (!children.isArray()) {
      throw malformed(uri, "jobs: expected a list");
    }
    if (depth >= options.maxDepth()) {
      log.warn("connector '{}': folder {} is deeper than options.maxDepth {}; its jobs are not read", config.id(),
          String.join("/", path), options.maxDepth());
      return;
    }
    for (JsonNode child : children) {
      String name = text(child, "name");
      if (name == null) {
        throw malformed(uri, "a job without a name");
      }
      List<String> childPath = new ArrayList<>(path);
      childPath.add(name);
      walk(api, context, childPath, depth + 1, jobs);
    }
  }

  /** The job's builds by number, newest windows first, down to what the snapshot already has. */
  private Map<Integer, PipelineRun> builds(ApiClient api, CollectContext context, String job, PreviousRuns previous,
      Instant now) throws ConnectorException, InterruptedException {
    int stopAt = stopAt(previous, job);
    Map<Integer, PipelineRun> builds = new TreeMap<>();
    String path = jobPath(List.of(job.split("/")));
    PageGuard guard = new PageGuard(context, ApiClient.display(api.url(path + "/api/json", Map.of())));
    for (int from = 0; ; from += WINDOW) {
      String window = "{" + from + "," + (from + WINDOW) + "}";
      guard.beforePage(window);
      URI uri = api.url(path + "/api/json", Map.of("tree", "allBuilds[" + BUILD_FIELDS + "]" + window));
      JsonNode body = api.get(uri).body();
      JsonNode items = body.get("allBuilds");
      if (!body.isObject() || items == null || !items.isArray()) {
        throw malformed(uri, "expected an object with an allBuilds list (is " + job + " a job?)");
      }
      guard.afterPage(items.size());
      int oldest = Integer.MAX_VALUE;
      for (JsonNode item : items) {
        PipelineRun run = build(job, item, uri, now);
        int number = Integer.parseInt(run.runId());
        builds.put(number, run);
        oldest = Math.min(oldest, number);
      }
      if (items.size() < WINDOW || oldest <= stopAt) {
        break;
      }
    }
    for (PipelineRun before : previous.of(job)) {
      builds.putIfAbsent(Integer.parseInt(before.runId()), before.withOrigin(config.id(), now));
    }
    return builds;
  }

  /**
   * The build number down to which windows are read: the newest build the snapshot had finished,
   * or the oldest it had still building if that is older; 0 (everything) without a snapshot.
   */
  private static int stopAt(PreviousRuns previous, String job) {
    int newestFinished = 0;
    int oldestBuilding = Integer.MAX_VALUE;
    for (PipelineRun run : previous.of(job)) {
      int number = Integer.parseInt(run.runId());
      if (run.isInProgress()) {
        oldestBuilding = Math.min(oldestBuilding, number);
      } else {
        newestFinished = Math.max(newestFinished, number);
      }
    }
    return Math.min(newestFinished, oldestBuilding);
  }

  private PipelineRun build(String job, JsonNode item, URI uri, Instant now) throws ConnectorException {
    JsonNode number = item.get("number");
    if (number == null || !number.isIntegralNumber()) {
      throw malformed(uri, "a build without a number");
    }
    boolean building = item.path("building").asBoolean(false);
    String result = building ? null : text(item, "result");
    Instant started = item.path("timestamp").isNumber() ? Instant.ofEpochMilli(item.path("timestamp").asLong()) : null;
    Instant finished = building || started == null || !item.path("duration").isNumber() ? null
        : started.plusMillis(item.path("duration").asLong());
    String sha = null;
    String branch = null;
    TestSummary tests = null;
    for (JsonNode action : item.path("actions")) {
      JsonNode revision = action.path("lastBuiltRevision");
      if (sha == null && revision.isObject() && text(revision, "SHA1") != null) {
        sha = text(revision, "SHA1");
        JsonNode branches = revision.path("branch");
        if (branches.isArray() && !branches.isEmpty()) {
          branch = shortBranch(text(branches.get(0), "name"));
        }
      }
      if (tests == null && action.path("totalCount").isNumber()) {
        tests = new TestSummary(action.path("totalCount").asInt(), action.path("failCount").asInt(0),
            action.path("skipCount").asInt(0));
      }
    }
    String leaf = job.substring(job.lastIndexOf('/') + 1);
    return new PipelineRun(config.id(), text(item, "url"), now, CI_SYSTEM, job, leaf, number.asString(), branch, sha,
        building ? "building" : "completed", conclusion(result, building), started, finished, tests,
        building ? null : finished, List.of());
  }

  /** Jenkins' {@code Result} as the outcome every CI system shares; null while building. */
  static String conclusion(String result, boolean building) {
    if (building || result == null) {
      return null;
    }
    return switch (result) {
      case "SUCCESS" -> "success";
      case "UNSTABLE" -> "unstable"; // tests failed: not a success
      case "FAILURE" -> "failure";
      case "ABORTED" -> "cancelled";
      case "NOT_BUILT" -> "skipped";
      default -> result.toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** {@code main} from {@code refs/remotes/origin/main} or {@code origin/main}. */
  static String shortBranch(String name) {
    if (name == null) {
      return null;
    }
    for (String prefix : List.of("refs/remotes/origin/", "refs/heads/", "origin/")) {
      if (name.startsWith(prefix)) {
        return name.substring(prefix.length());
      }
    }
    return name;
  }

  /** {@code /job/a/job/b} for the job (or folder) {@code a/b}; empty for the root. */
  static String jobPath(List<String> names) {
    StringBuilder s = new StringBuilder();
    for (String name : names) {
      s.append("/job/").append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return s.toString();
  }

  private ConnectorException malformed(URI uri, String what) {
    return new ConnectorException("malformed", "connector '" + config.id() + "': response from "
        + ApiClient.display(uri) + ": " + what);
  }
}
