package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.finding.ControlAssessment.OpenCounts;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingEvent.Type;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingRepository.Query;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

/**
 * The review workflow end to end on a real store, through the same evaluation the scheduler runs:
 * acknowledge, assign (default: the owner), comment, due dates, waivers for one finding and for a
 * rule over a subject pattern (a new version needs no new waiver), expiry at the first evaluation
 * after it, revocation, four-eyes approval. Run on H2 and PostgreSQL by the subclasses.
 */
public abstract class WorkflowScenario {

  static final String OWNER_RULE = "test.production-has-owner";
  static final String APPROVAL_RULE = "test.production-approved";
  public static final String PACK = Workbench.OWNER_RULE + """

      rule "test.production-approved"
        @control("A.6.2.5") @severity("medium") @title("Production model is approved") @remediation("Approve it.")
      when
        $m : ModelVersion( production, approvalStatus == null )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " v" + $m.version() + " is not approved.", "approvalStatus", "none");
      end
      """;
  static final Instant START = Instant.parse("2026-11-01T10:00:00Z");

  static final String CHURN_OWNER = Finding.idOf(OWNER_RULE, "inventory:churn/4");
  static final String CHURN_APPROVAL = Finding.idOf(APPROVAL_RULE, "inventory:churn/4");
  static final String FRAUD7 = Finding.idOf(APPROVAL_RULE, "inventory:fraud/7");
  static final String FRAUD8 = Finding.idOf(APPROVAL_RULE, "inventory:fraud/8");

  Workbench bench(Path dir, TestStore store, DataSource data, ReviewProperties props) {
    Workbench bench = Workbench.withReview(dir, store, data, new MutableClock(START), props);
    bench.writePack("test-pack", PACK);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]"));
    cycle(bench);
    return bench;
  }

  void runScenario(Path dir, TestStore store, DataSource data) {
    Workbench bench = bench(dir, store, data, ReviewProperties.defaults());
    ReviewService review = bench.review;
    FindingRepository findings = store.findings();

    // Defaults: the owner recorded in the registry is the assignee; the due date follows severity.
    FindingWorkflow fraud = workflow(bench, FRAUD7);
    assertThat(fraud.state()).isEqualTo("open");
    assertThat(fraud.assignee()).isEqualTo("risk-team");
    assertThat(fraud.assigneeSource()).isEqualTo("owner");
    assertThat(fraud.dueAt()).isEqualTo(START.plus(Duration.ofDays(90)));
    assertThat(fraud.dueSource()).isEqualTo("default");
    assertThat(workflow(bench, CHURN_OWNER).assignee()).as("no owner recorded").isNull();
    assertThat(workflow(bench, CHURN_OWNER).dueAt()).isEqualTo(START.plus(Duration.ofDays(30)));

    // People act; each action is an event with its actor.
    review.acknowledge(CHURN_OWNER, "alice", "looking into it");
    review.assign(CHURN_OWNER, "growth-team", "alice");
    review.comment(CHURN_OWNER, "Owner will be set in the registry this week.", "bob");
    Instant due = START.plus(Duration.ofDays(5));
    FindingWorkflow churn = review.setDue(CHURN_OWNER, due, "alice");
    assertThat(churn.acknowledged()).isTrue();
    assertThat(churn.acknowledgedBy()).isEqualTo("alice");
    assertThat(churn.assignee()).isEqualTo("growth-team");
    assertThat(churn.assigneeSource()).isEqualTo("explicit");
    assertThat(churn.dueAt()).isEqualTo(due);
    assertThat(churn.dueSource()).isEqualTo("explicit");
    assertThat(history(store, CHURN_OWNER)).extracting(FindingEvent::type, FindingEvent::actor).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Type.OPENED, "system"), org.assertj.core.groups.Tuple.tuple(Type.ACKNOWLEDGED, "alice"),
        org.assertj.core.groups.Tuple.tuple(Type.ASSIGNED, "alice"), org.assertj.core.groups.Tuple.tuple(Type.COMMENTED, "bob"),
        org.assertj.core.groups.Tuple.tuple(Type.DUE_DATE_SET, "alice"));
    // An explicit assignment survives evaluations; resetting it brings back the owner.
    bench.clock.advance(Duration.ofMinutes(10));
    cycle(bench);
    assertThat(workflow(bench, CHURN_OWNER).assignee()).isEqualTo("growth-team");
    assertThat(review.assign(FRAUD7, "alice", "alice").assignee()).isEqualTo("alice");
    FindingWorkflow reset = review.assign(FRAUD7, null, "alice");
    assertThat(reset.assignee()).isEqualTo("risk-team");
    assertThat(reset.assigneeSource()).isEqualTo("owner");

    // A rule waiver over every version of one model.
    Instant expiry = bench.clock.instant().plus(Duration.ofDays(30));
    Waiver waiver = review.requestWaiver(WaiverRequest.forRule(APPROVAL_RULE, "inventory:fraud/*",
        "Fraud models are approved by the risk committee outside the registry.", expiry), "alice");
    assertThat(waiver.state(bench.clock.instant())).isEqualTo(Waiver.State.ACTIVE);
    assertThat(waiver.requestedBy()).isEqualTo("alice");
    assertThat(waiver.approvedBy()).as("without four-eyes the request is its approval").isEqualTo("alice");
    assertThat(workflow(bench, FRAUD7).state()).isEqualTo("waived");
    assertThat(workflow(bench, FRAUD7).waiver().id()).isEqualTo(waiver.id());
    assertThat(last(store, FRAUD7).type()).isEqualTo(Type.WAIVED);
    assertThat(last(store, FRAUD7).actor()).isEqualTo("alice");
    assertThat(findings.get(FRAUD7).orElseThrow().status()).as("the computed status is the engine's").isEqualTo(Finding.Status.OPEN);
    // Waived is not open: in lists, in the counts behind metrics and the controls report.
    assertThat(ids(findings.list(query(false)))).containsExactlyInAnyOrder(CHURN_OWNER, CHURN_APPROVAL);
    assertThat(ids(findings.list(query(true)))).containsExactly(FRAUD7);
    assertThat(findings.openCountsByControl().get("A.6.2.5")).isEqualTo(new OpenCounts(1, 0));
    assertThat(findings.openByRule()).extracting(r -> ((Number) r.get("n")).longValue()).containsOnly(1L);
    assertThat(findings.countsByState()).anySatisfy(r -> assertThat(r).containsEntry("state", "waived")
        .containsEntry("rule_id", APPROVAL_RULE));
    assertThat(review.justification("A.6.2.5")).hasValueSatisfying(text -> assertThat(text)
        .contains("1 finding accepted by waiver " + waiver.id()).contains("risk committee"));
    assertThat(review.justification("A.3.2")).isEmpty();

    // A new version of the accepted model is covered by the same waiver from its first evaluation.
    bench.clock.advance(Duration.ofHours(1));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]")
        + Workbench.model("fraud", "8", "[risk-team]"));
    cycle(bench);
    assertThat(workflow(bench, FRAUD8).state()).isEqualTo("waived");
    assertThat(history(store, FRAUD8)).extracting(FindingEvent::type).containsExactly(Type.OPENED, Type.WAIVED);
    assertThat(review.waivers()).hasSize(1);

    // Past its expiry, the first evaluation brings both findings back, saying why.
    bench.clock.advance(Duration.ofDays(30));
    assertThat(workflow(bench, FRAUD7).state()).as("until the next evaluation the last one stands").isEqualTo("waived");
    cycle(bench);
    for (String id : List.of(FRAUD7, FRAUD8)) {
      assertThat(workflow(bench, id).state()).isEqualTo("open");
      FindingEvent back = last(store, id);
      assertThat(back.type()).isEqualTo(Type.UNWAIVED);
      assertThat(back.actor()).isEqualTo("system");
      assertThat(back.detail()).contains(waiver.id()).contains("expired");
    }
    assertThat(findings.list(query(true)).total()).isZero();
    assertThat(review.justification("A.6.2.5")).isEmpty();

    // Revoking a waiver brings its finding back at once, with the revoker as actor.
    Waiver one = review.requestWaiver(WaiverRequest.forFinding(CHURN_OWNER, "Accepted until the reorganisation ends.",
        bench.clock.instant().plus(Duration.ofDays(10))), "bob");
    assertThat(workflow(bench, CHURN_OWNER).state()).isEqualTo("waived");
    Waiver revoked = review.revoke(one.id(), "Reorganisation cancelled.", "carol");
    assertThat(revoked.state(bench.clock.instant())).isEqualTo(Waiver.State.REVOKED);
    assertThat(workflow(bench, CHURN_OWNER).state()).isEqualTo("open");
    assertThat(last(store, CHURN_OWNER).actor()).isEqualTo("carol");
    assertThat(last(store, CHURN_OWNER).detail()).contains("revoked by carol").contains("Reorganisation cancelled.");
    assertThatThrownBy(() -> review.revoke(one.id(), "again", "carol")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already revoked");
    cycle(bench);
    assertThat(workflow(bench, CHURN_OWNER).state()).as("stays open after evaluations").isEqualTo("open");

    // Bulk: acknowledge every open medium finding with one note.
    var bulk = review.bulk(findings.list(new Query(Finding.Status.OPEN, null, null, "A.6.2.5", null, null, 100, 0)).items(),
        ReviewService.BulkAction.ACKNOWLEDGE, "triaged", null, "dana");
    assertThat(bulk.findings()).containsExactlyInAnyOrder(CHURN_APPROVAL, FRAUD7, FRAUD8);
    assertThat(last(store, FRAUD8).type()).isEqualTo(Type.ACKNOWLEDGED);
    assertThat(last(store, FRAUD8).actor()).isEqualTo("dana");
  }

  void runFourEyes(Path dir, TestStore store, DataSource data) {
    Workbench bench = bench(dir, store, data, ReviewProperties.defaults().withFourEyes(true));
    ReviewService review = bench.review;
    Waiver requested = review.requestWaiver(WaiverRequest.forFinding(FRAUD7,
        "Approved by the risk committee on 2026-10-30, minute 14.", START.plus(Duration.ofDays(60))), "alice");
    assertThat(requested.state(bench.clock.instant())).isEqualTo(Waiver.State.PENDING);
    assertThat(workflow(bench, FRAUD7).state()).as("not in force before approval").isEqualTo("open");
    assertThat(last(store, FRAUD7).type()).isEqualTo(Type.WAIVER_REQUESTED);
    assertThat(last(store, FRAUD7).actor()).isEqualTo("alice");

    assertThatThrownBy(() -> review.approve(requested.id(), "alice")).isInstanceOf(ForbiddenActionException.class)
        .hasMessageContaining("requested by alice, who cannot also approve it");
    assertThatThrownBy(() -> review.approve(requested.id(), "ALICE")).as("not by a change of case either")
        .isInstanceOf(ForbiddenActionException.class);
    cycle(bench);
    assertThat(workflow(bench, FRAUD7).state()).isEqualTo("open");

    Waiver approved = review.approve(requested.id(), "bob");
    assertThat(approved.approvedBy()).isEqualTo("bob");
    assertThat(approved.requestedBy()).isEqualTo("alice");
    assertThat(workflow(bench, FRAUD7).state()).isEqualTo("waived");
    assertThat(last(store, FRAUD7).type()).isEqualTo(Type.WAIVED);
    assertThat(last(store, FRAUD7).actor()).isEqualTo("bob");
    assertThat(last(store, FRAUD7).detail()).contains("requested by alice, approved by bob");
    assertThatThrownBy(() -> review.approve(requested.id(), "carol")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is active, not pending");
  }

  static void cycle(Workbench bench) {
    CollectionResult result = bench.monitor.collect("inventory", () -> false);
    assertThat(result.succeeded()).as("collection: %s", result.error()).isTrue();
    bench.monitor.evaluate();
  }

  static FindingWorkflow workflow(Workbench bench, String id) {
    return bench.review.workflow(bench.store.findings().get(id).orElseThrow());
  }

  static List<FindingEvent> history(TestStore store, String id) {
    return store.findings().history(id);
  }

  static FindingEvent last(TestStore store, String id) {
    List<FindingEvent> h = history(store, id);
    return h.get(h.size() - 1);
  }

  static Query query(boolean waived) {
    return new Query(Finding.Status.OPEN, null, null, null, null, null, 100, 0, waived, null, null);
  }

  static List<String> ids(FindingRepository.Page page) {
    return page.items().stream().map(Finding::id).toList();
  }

}
