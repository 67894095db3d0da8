package io.aimsmonitor.connector.openlineage;

import static io.aimsmonitor.connector.registry.JsonFields.text;

import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns the stored OpenLineage events of one source into facts: one run per {@code run.runId}
 * (a {@code TrainingRun} for training jobs, else a {@code PipelineRun}) in the state of its latest
 * event, and one {@code Dataset} per dataset ({@code namespace/name}) the events name, with the
 * evidence its facets carry. Events are applied in the order they arrived; facets of a later event
 * replace those of an earlier one.
 */
final class OpenLineageMapping {

  static final String CATALOG = "openlineage";
  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,40}");
  private static final Set<String> TRAINING_JOB_TYPES = Set.of("TRAINING", "MODEL_TRAINING", "TRAIN", "ML_TRAINING");

  private final String connectorId;
  private final List<Pattern> trainingJobs;
  private final CatalogConventions conventions;

  /** @param trainingJobs globs ({@code *} any text) of job names (or {@code namespace/name}) that train models */
  OpenLineageMapping(String connectorId, List<String> trainingJobs, CatalogConventions conventions) {
    this.connectorId = connectorId;
    this.trainingJobs = trainingJobs.stream().map(OpenLineageMapping::glob).toList();
    this.conventions = conventions;
  }

  /** One run as its events tell it so far. */
  private static final class RunState {
    String runId;
    String jobNamespace;
    String jobName;
    String state;
    Instant startedAt;
    Instant endedAt;
    Instant lastEventAt;
    final Map<String, JsonNode> jobFacets = new LinkedHashMap<>();
    final Map<String, JsonNode> runFacets = new LinkedHashMap<>();
    final Map<String, JsonNode> inputs = new LinkedHashMap<>();
    final Map<String, JsonNode> outputs = new LinkedHashMap<>();
    String producer;
  }

  /** One dataset as all events tell it. */
  private static final class DatasetState {
    String namespace;
    String name;
    final Map<String, JsonNode> facets = new LinkedHashMap<>();
    final Map<String, JsonNode> inputFacets = new LinkedHashMap<>();
    final Set<String> upstream = new LinkedHashSet<>();
    Instant lastSeen;
    Instant checkedAt;
    String producedBy;
    String sql;
  }

  List<Fact> facts(List<JsonNode> events, Instant observedAt) {
    Map<String, RunState> runs = new LinkedHashMap<>();
    Map<String, DatasetState> datasets = new LinkedHashMap<>();
    for (JsonNode event : events) {
      Instant at = time(event);
      if (event.has("run")) {
        applyRunEvent(event, at, runs, datasets);
      } else if (event.has("dataset")) {
        dataset(datasets, event.get("dataset"), at, false);
      } else {
        for (JsonNode d : array(event.get("inputs"))) {
          dataset(datasets, d, at, false);
        }
        for (JsonNode d : array(event.get("outputs"))) {
          dataset(datasets, d, at, false);
        }
      }
    }
    List<Fact> facts = new ArrayList<>();
    for (RunState run : runs.values()) {
      facts.add(isTraining(run) ? trainingRun(run, observedAt) : pipelineRun(run, observedAt));
    }
    for (DatasetState d : datasets.values()) {
      facts.add(dataset(d, observedAt));
    }
    return facts;
  }

  private void applyRunEvent(JsonNode event, Instant at, Map<String, RunState> runs, Map<String, DatasetState> datasets) {
    String runId = text(event.get("run"), "runId");
    RunState run = runs.computeIfAbsent(runId, id -> new RunState());
    run.runId = runId;
    JsonNode job = event.get("job");
    run.jobNamespace = text(job, "namespace");
    run.jobName = text(job, "name");
    run.producer = Conventions.firstNonBlank(text(event, "producer"), run.producer);
    String type = Conventions.firstNonBlank(text(event, "eventType"), "OTHER");
    // OTHER adds metadata without moving the run; any other type is the run's state from now on
    if (!type.equals("OTHER") || run.state == null) {
      run.state = type;
    }
    if (type.equals("START") && (run.startedAt == null || (at != null && at.isBefore(run.startedAt)))) {
      run.startedAt = at;
    }
    if (Set.of("COMPLETE", "FAIL", "ABORT").contains(type)) {
      run.endedAt = at;
    }
    run.lastEventAt = at;
    putAll(run.jobFacets, job.get("facets"));
    putAll(run.runFacets, event.path("run").get("facets"));
    List<String> inputNames = new ArrayList<>();
    for (JsonNode d : array(event.get("inputs"))) {
      DatasetState ds = dataset(datasets, d, at, true);
      run.inputs.put(CatalogConventions.lineageName(ds.namespace, ds.name), d);
      inputNames.add(CatalogConventions.lineageName(ds.namespace, ds.name));
    }
    JsonNode sql = job.path("facets").path("sql");
    for (JsonNode d : array(event.get("outputs"))) {
      DatasetState ds = dataset(datasets, d, at, false);
      run.outputs.put(CatalogConventions.lineageName(ds.namespace, ds.name), d);
      ds.upstream.addAll(inputNames);
      ds.upstream.addAll(run.inputs.keySet());
      ds.upstream.remove(CatalogConventions.lineageName(ds.namespace, ds.name));
      ds.producedBy = CatalogConventions.lineageName(run.jobNamespace, run.jobName);
      if (text(sql, "query") != null) {
        ds.sql = text(sql, "query");
      }
    }
  }

  private DatasetState dataset(Map<String, DatasetState> datasets, JsonNode d, Instant at, boolean input) {
    String namespace = text(d, "namespace");
    String name = text(d, "name");
    DatasetState ds = datasets.computeIfAbsent(CatalogConventions.lineageName(namespace, name), k -> new DatasetState());
    ds.namespace = namespace;
    ds.name = name;
    putAll(ds.facets, d.get("facets"));
    JsonNode inputFacets = d.get("inputFacets");
    if (inputFacets != null && inputFacets.isObject() && !inputFacets.isEmpty()) {
      putAll(ds.inputFacets, inputFacets);
      if (inputFacets.has("dataQualityAssertions")) {
        ds.checkedAt = at;
      }
    }
    if (at != null && (ds.lastSeen == null || at.isAfter(ds.lastSeen))) {
      ds.lastSeen = at;
    }
    return ds;
  }

  private boolean isTraining(RunState run) {
    JsonNode jobType = run.jobFacets.get("jobType");
    String type = text(jobType, "jobType");
    if (type != null && TRAINING_JOB_TYPES.contains(type.toUpperCase(Locale.ROOT))) {
      return true;
    }
    String qualified = CatalogConventions.lineageName(run.jobNamespace, run.jobName);
    return trainingJobs.stream().anyMatch(p -> p.matcher(run.jobName).matches() || p.matcher(qualified).matches());
  }

  private TrainingRun trainingRun(RunState run, Instant observedAt) {
    Map<String, String> tags = jobTags(run);
    List<TrainingRun.DatasetInput> inputs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : run.inputs.entrySet()) {
      JsonNode version = e.getValue().path("facets").path("version");
      inputs.add(new TrainingRun.DatasetInput(text(e.getValue(), "name"), text(version, "datasetVersion"), e.getKey(),
          "training"));
    }
    JsonNode location = run.jobFacets.get("sourceCodeLocation");
    String version = text(location, "version");
    // the run id is OpenLineage's, so the run's namespace is this source (null): it joins only references into it
    return new TrainingRun(connectorId, text(location, "url"), observedAt, CATALOG, null, run.runId, run.jobNamespace,
        run.jobName, run.state, null, Map.of(), Map.of(), tags,
        version != null && SHA.matcher(version).matches() ? version : null, inputs, run.startedAt, run.endedAt);
  }

  private PipelineRun pipelineRun(RunState run, Instant observedAt) {
    JsonNode location = run.jobFacets.get("sourceCodeLocation");
    String version = text(location, "version");
    boolean finished = run.endedAt != null || Set.of("COMPLETE", "FAIL", "ABORT").contains(run.state);
    String conclusion = switch (run.state) {
      case "COMPLETE" -> "success";
      case "FAIL" -> "failure";
      case "ABORT" -> "cancelled";
      default -> null;
    };
    return new PipelineRun(connectorId, text(location, "url"), observedAt, CATALOG, run.jobNamespace, run.jobName,
        run.runId, text(location, "branch"), version != null && SHA.matcher(version).matches() ? version : null,
        finished ? "completed" : "running", conclusion, run.startedAt, run.endedAt, null);
  }

  /** The job's evidence facets as tags: type, SQL, source code location, documentation, owners, error. */
  private Map<String, String> jobTags(RunState run) {
    Map<String, String> tags = new LinkedHashMap<>();
    Conventions.putIfPresent(tags, "openlineage.job", CatalogConventions.lineageName(run.jobNamespace, run.jobName));
    Conventions.putIfPresent(tags, "openlineage.state", run.state);
    Conventions.putIfPresent(tags, "openlineage.producer", run.producer);
    JsonNode jobType = run.jobFacets.get("jobType");
    Conventions.putIfPresent(tags, "openlineage.jobType", text(jobType, "jobType"));
    Conventions.putIfPresent(tags, "openlineage.integration", text(jobType, "integration"));
    Conventions.putIfPresent(tags, "openlineage.sql", text(run.jobFacets.get("sql"), "query"));
    JsonNode location = run.jobFacets.get("sourceCodeLocation");
    for (String f : List.of("type", "url", "repoUrl", "path", "version", "tag", "branch")) {
      Conventions.putIfPresent(tags, "openlineage.sourceCodeLocation." + f, text(location, f));
    }
    Conventions.putIfPresent(tags, "openlineage.sourceCode.language", text(run.jobFacets.get("sourceCode"), "language"));
    Conventions.putIfPresent(tags, "openlineage.documentation", text(run.jobFacets.get("documentation"), "description"));
    List<String> owners = owners(run.jobFacets.get("ownership"));
    if (!owners.isEmpty()) {
      tags.put("openlineage.owners", String.join(",", owners));
    }
    Conventions.putIfPresent(tags, "openlineage.error", text(run.runFacets.get("errorMessage"), "message"));
    JsonNode parent = run.runFacets.get("parent");
    Conventions.putIfPresent(tags, "openlineage.parentRunId", text(parent == null ? null : parent.get("run"), "runId"));
    return tags;
  }

  private Dataset dataset(DatasetState d, Instant observedAt) {
    String qualified = CatalogConventions.lineageName(d.namespace, d.name);
    List<String> owners = owners(d.facets.get("ownership"));
    Set<String> classification = new LinkedHashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    for (JsonNode tag : array(d.facets.containsKey("tags") ? d.facets.get("tags").get("tags") : null)) {
      String key = text(tag, "key");
      String value = text(tag, "value");
      String label = key == null ? value : value == null || value.equalsIgnoreCase("true") ? key : key + "." + value;
      if (label != null) {
        (conventions.isClassification(label) ? classification : tags).add(label);
      }
    }
    List<Dataset.QualityCheck> checks = new ArrayList<>();
    JsonNode assertions = d.inputFacets.get("dataQualityAssertions");
    for (JsonNode a : array(assertions == null ? null : assertions.get("assertions"))) {
      String name = text(a, "assertion");
      String column = text(a, "column");
      JsonNode success = a.get("success");
      String result = success == null || !success.isBoolean() ? null : success.booleanValue() ? "SUCCESS" : "FAILURE";
      checks.add(new Dataset.QualityCheck(column == null ? name : name + "(" + column + ")", result, d.checkedAt));
    }
    Set<String> identifiers = new LinkedHashSet<>();
    JsonNode symlinks = d.facets.get("symlinks");
    for (JsonNode id : array(symlinks == null ? null : symlinks.get("identifiers"))) {
      if (text(id, "namespace") != null && text(id, "name") != null) {
        identifiers.add(CatalogConventions.lineageName(text(id, "namespace"), text(id, "name")));
      }
    }
    Map<String, String> properties = new TreeMap<>();
    List<String> fields = new ArrayList<>();
    JsonNode schema = d.facets.get("schema");
    for (JsonNode f : array(schema == null ? null : schema.get("fields"))) {
      if (text(f, "name") != null) {
        fields.add(text(f, "name") + (text(f, "type") == null ? "" : ":" + text(f, "type")));
      }
    }
    if (!fields.isEmpty()) {
      properties.put("schema.fields", String.join(", ", fields));
    }
    Conventions.putIfPresent(properties, "sql", d.sql);
    Conventions.putIfPresent(properties, "producedBy", d.producedBy);
    Conventions.putIfPresent(properties, "dataSource", text(d.facets.get("dataSource"), "uri"));
    Conventions.putIfPresent(properties, "storage", text(d.facets.get("storage"), "storageLayer"));
    Conventions.putIfPresent(properties, "version", text(d.facets.get("version"), "datasetVersion"));
    String description = text(d.facets.get("documentation"), "description");
    return new Dataset(connectorId, text(d.facets.get("dataSource"), "uri"), observedAt, CATALOG, qualified, d.name,
        owners, List.copyOf(classification), description, List.copyOf(d.upstream), checks, null, d.lastSeen, null,
        List.copyOf(tags), List.of(), List.copyOf(identifiers), properties);
  }

  /** Owner names of an ownership facet ({@code owners: [{name, type}]}), e.g. {@code team:risk-data}. */
  private static List<String> owners(JsonNode ownership) {
    List<String> out = new ArrayList<>();
    for (JsonNode o : array(ownership == null ? null : ownership.get("owners"))) {
      String name = text(o, "name");
      if (name != null && !out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  private static void putAll(Map<String, JsonNode> into, JsonNode facets) {
    if (facets != null && facets.isObject()) {
      for (Map.Entry<String, JsonNode> e : facets.properties()) {
        // a facet marked deleted ({"_deleted": true}) removes what earlier events said
        if (e.getValue().path("_deleted").asBoolean(false)) {
          into.remove(e.getKey());
        } else {
          into.put(e.getKey(), e.getValue());
        }
      }
    }
  }

  private static Iterable<JsonNode> array(JsonNode node) {
    return node != null && node.isArray() ? node : List.of();
  }

  private static Instant time(JsonNode event) {
    String t = text(event, "eventTime");
    try {
      return t == null ? null : OffsetDateTime.parse(t).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }
}
