package io.aimsmonitor.review;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.finding.ControlAssessment.OpenCounts;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingRepository.OpenSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The AI systems of the AIMS, built from the latest facts: which model versions (and which of them
 * serve production), the datasets they were trained on, the pipelines that built them, their
 * owners, open findings and the status of every control the loaded rules decide, for that system
 * alone. The view an auditor asks for first.
 *
 * <p>Membership follows references only within the system they point into: a model version's
 * training run is looked up in the same source (its run id means nothing elsewhere); its training
 * datasets by name in the catalogs; its pipeline runs by git commit.
 */
public class AiSystemInventory {

  /** A model version of a system. */
  public record ModelVersionRef(String model, String version, String source, boolean production, String stage,
      List<String> owners, String subjectKey, String url) {}

  /** A dataset a production or other version was trained on; {@code subjectKey} is null when no catalog knows it. */
  public record DatasetRef(String name, String source, List<String> owners, String subjectKey, String url) {}

  /** A CI workflow that built a version, with its latest run. */
  public record PipelineRef(String repository, String workflow, String latestRunId, String latestConclusion,
      Instant latestFinishedAt, String url) {}

  /** Open findings about the system's subjects: those no waiver covers, by severity, and the waived ones. */
  public record FindingCounts(long open, long waived, long stale, Map<String, Long> openBySeverity) {}

  /** The status of one control for this system alone. */
  public record ControlStatus(String control, String title, String status, long openFindings) {}

  /** One AI system in full. */
  public record AiSystem(String id, String groupedBy, List<String> owners, List<ModelVersionRef> modelVersions,
      List<String> productionVersions, List<DatasetRef> trainingDatasets, List<PipelineRef> pipelines,
      FindingCounts findings, List<ControlStatus> controls, Map<String, Long> controlsByStatus,
      Set<String> subjects) {}

  private final AiSystemProperties props;
  private final Supplier<List<Fact>> facts;
  private final FindingRepository findings;
  private final ControlCatalog catalog;
  private final Supplier<Collection<RuleDefinition>> rules;
  private final Supplier<Set<String>> staleRules;

  public AiSystemInventory(AiSystemProperties props, Supplier<List<Fact>> facts, FindingRepository findings,
      ControlCatalog catalog, Supplier<Collection<RuleDefinition>> rules, Supplier<Set<String>> staleRules) {
    this.props = props;
    this.facts = facts;
    this.findings = findings;
    this.catalog = catalog;
    this.rules = rules;
    this.staleRules = staleRules;
  }

  /** Every AI system, by id. */
  public List<AiSystem> systems() {
    List<Fact> all = facts.get();
    Map<String, List<ModelVersion>> groups = group(all);
    List<OpenSummary> open = findings.openSummaries();
    Collection<RuleDefinition> loaded = rules.get();
    Set<String> stale = staleRules.get();
    List<AiSystem> out = new ArrayList<>();
    groups.forEach((id, versions) -> out.add(build(id, versions, all, open, loaded, stale)));
    return out;
  }

  public AiSystem system(String id) {
    return find(id).orElseThrow(() -> new NoSuchElementException("no AI system '" + id + "'"));
  }

  public Optional<AiSystem> find(String id) {
    return systems().stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The subjects (model versions, runs, datasets, pipeline runs, monitors, attestations) of a system. */
  public Set<String> subjectKeys(String id) {
    return find(id).map(AiSystem::subjects)
        .orElseThrow(() -> new IllegalArgumentException("aiSystem: no AI system '" + id + "' (see /api/ai-systems)"));
  }

  private Map<String, List<ModelVersion>> group(List<Fact> all) {
    Map<String, List<ModelVersion>> groups = new TreeMap<>();
    for (Fact f : all) {
      if (f instanceof ModelVersion m) {
        groups.computeIfAbsent(systemOf(m), k -> new ArrayList<>()).add(m);
      }
    }
    return groups;
  }

  private String systemOf(ModelVersion m) {
    for (Map.Entry<String, List<String>> e : props.mapping().entrySet()) {
      if (e.getValue().stream().anyMatch(p -> io.aimsmonitor.finding.Waiver.globMatches(p, m.modelName()))) {
        return e.getKey();
      }
    }
    if (props.groupBy().equals("tag")) {
      String tagged = m.tag(props.tag());
      if (tagged != null && !tagged.isBlank()) {
        return tagged;
      }
    }
    return m.modelName();
  }

  private String groupedBy(String id, List<ModelVersion> versions) {
    if (props.mapping().containsKey(id)) {
      return "mapping";
    }
    return props.groupBy().equals("tag") && versions.stream().anyMatch(m -> id.equals(m.tag(props.tag()))) ? "tag" : "model";
  }

  private AiSystem build(String id, List<ModelVersion> versions, List<Fact> all, List<OpenSummary> open,
      Collection<RuleDefinition> loaded, Set<String> stale) {
    versions = versions.stream().sorted(Comparator.comparing(ModelVersion::modelName)
        .thenComparing(ModelVersion::version, AiSystemInventory::compareVersions).thenComparing(ModelVersion::source)).toList();
    Set<String> subjects = new LinkedHashSet<>();
    Set<String> owners = new LinkedHashSet<>();
    Set<String> modelNames = new LinkedHashSet<>();
    Set<String> systemTags = new LinkedHashSet<>();
    systemTags.add(id);
    Set<String> commits = new LinkedHashSet<>();
    Set<String> runKeys = new LinkedHashSet<>();
    List<ModelVersionRef> refs = new ArrayList<>();
    for (ModelVersion m : versions) {
      subjects.add(m.subject().key());
      owners.addAll(m.owners());
      modelNames.add(m.modelName());
      systemTags.add(m.system());
      if (m.sourceRunId() != null) {
        runKeys.add(m.source() + "\u0000" + m.sourceRunId());
      }
      if (m.sourceGitCommit() != null) {
        commits.add(m.sourceGitCommit());
      }
      refs.add(new ModelVersionRef(m.modelName(), m.version(), m.source(), m.isProduction(), m.stage(), m.owners(),
          m.subject().key(), m.sourceUrl()));
    }
    Set<String> datasetNames = new LinkedHashSet<>();
    for (Fact f : all) {
      if (f instanceof TrainingRun r && runKeys.contains(r.source() + "\u0000" + r.runId())) {
        subjects.add(r.subject().key());
        if (r.gitCommit() != null) {
          commits.add(r.gitCommit());
        }
        r.inputDatasets().stream()
            .filter(d -> d.context() == null || d.context().equalsIgnoreCase("training"))
            .forEach(d -> datasetNames.add(d.name()));
      }
    }
    List<DatasetRef> datasets = new ArrayList<>();
    for (String name : datasetNames) {
      List<Dataset> known = all.stream().filter(f -> f instanceof Dataset).map(f -> (Dataset) f)
          .filter(d -> d.isNamed(name)).toList();
      if (known.isEmpty()) {
        datasets.add(new DatasetRef(name, null, List.of(), null, null));
      }
      for (Dataset d : known) {
        subjects.add(d.subject().key());
        datasets.add(new DatasetRef(d.qualifiedName(), d.source(), d.owners(), d.subject().key(), d.sourceUrl()));
      }
    }
    Map<String, PipelineRun> latestByWorkflow = new TreeMap<>();
    for (Fact f : all) {
      if (f instanceof PipelineRun p && commits.stream().anyMatch(p::isForCommit)) {
        subjects.add(p.subject().key());
        latestByWorkflow.merge(p.repository() + " " + p.workflow(), p, (a, b) -> later(a, b));
      } else if (f instanceof ModelMonitor mm && modelNames.contains(mm.modelName())) {
        subjects.add(mm.subject().key());
      } else if (f instanceof Attestation a && systemTags.contains(a.system())) {
        subjects.add(a.subject().key());
      }
    }
    List<PipelineRef> pipelines = latestByWorkflow.values().stream()
        .map(p -> new PipelineRef(p.repository(), p.workflow(), p.runId(), p.conclusion(), p.finishedAt(), p.sourceUrl()))
        .toList();

    long openCount = 0;
    long waived = 0;
    long staleCount = 0;
    Map<String, Long> bySeverity = new TreeMap<>();
    Map<String, long[]> byControl = new HashMap<>();
    for (OpenSummary f : open) {
      if (!subjects.contains(f.subjectKey())) {
        continue;
      }
      if (f.waived()) {
        waived++;
        continue;
      }
      openCount++;
      staleCount += f.stale() ? 1 : 0;
      bySeverity.merge(f.severity().label(), 1L, Long::sum);
      for (String c : f.controls()) {
        byControl.computeIfAbsent(c, k -> new long[2])[f.stale() ? 1 : 0]++;
      }
    }
    Map<String, OpenCounts> openByControl = new HashMap<>();
    byControl.forEach((c, n) -> openByControl.put(c, new OpenCounts(n[0], n[1])));
    List<ControlStatus> controls = new ArrayList<>();
    Map<String, Long> controlsByStatus = new TreeMap<>();
    for (ControlAssessment.ControlState s : ControlAssessment.assess(catalog, loaded, openByControl, stale)) {
      if (s.status() == ControlAssessment.Status.NOT_COVERED) {
        continue; // no loaded rule decides it: not applicable to automated evidence
      }
      controls.add(new ControlStatus(s.control().id(), s.control().title(), s.status().label(),
          s.open().fresh() + s.open().stale()));
      controlsByStatus.merge(s.status().label(), 1L, Long::sum);
    }
    return new AiSystem(id, groupedBy(id, versions), List.copyOf(owners), refs,
        refs.stream().filter(ModelVersionRef::production).map(r -> r.model() + " v" + r.version()).toList(),
        datasets, pipelines, new FindingCounts(openCount, waived, staleCount, bySeverity), controls, controlsByStatus,
        subjects);
  }

  private static PipelineRun later(PipelineRun a, PipelineRun b) {
    Instant ta = a.finishedAt() != null ? a.finishedAt() : a.startedAt();
    Instant tb = b.finishedAt() != null ? b.finishedAt() : b.startedAt();
    if (ta == null) {
      return b;
    }
    return tb != null && tb.isAfter(ta) ? b : a;
  }

  /** Numeric versions in numeric order (2 before 10), others as text. */
  static int compareVersions(String a, String b) {
    if (a.matches("\\d{1,9}") && b.matches("\\d{1,9}")) {
      return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
    }
    return a.compareTo(b);
  }
}
