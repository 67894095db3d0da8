package io.aimsmonitor.notify;

import io.aimsmonitor.export.ExportJson;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.finding.ControlAssessment.ControlState;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides what to notify, from the store only (evaluation knows nothing of notifications): new
 * high and critical findings (OPENED and REOPENED events), connectors whose run failed after a
 * good one, controls that left compliant, and waivers in force that come within a lead time of
 * their expiry. Each (receiver, event) becomes one
 * {@code notification_delivery} row, written in the same transaction that moves the planner's
 * cursors; the cursor rows are locked while planning, so replicas plan one after another and an
 * event is planned once however many replicas run.
 */
public final class NotificationPlanner {

  private static final List<String> NOTIFIED_SEVERITIES = List.of(Severity.HIGH.name(), Severity.CRITICAL.name());

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final List<Receiver> receivers;
  private final Map<String, List<String>> teams;
  private final FindingRepository findings;
  private final Exporter exporter;
  private final Supplier<List<ControlState>> controls;
  private final WaiverNotices waiverNotices;
  private final Clock clock;

  /** Most covered findings a waiver notice names (and routes by); a rule waiver may cover thousands. */
  static final int MAX_NOTICE_FINDINGS = 100;

  /**
   * What waiver-expiry notices need.
   *
   * @param waivers every waiver (from the API and the waivers file)
   * @param leadTimes how long before expiry to notify, e.g. 14 days and 1 day: one notice per lead time
   */
  public record WaiverNotices(Supplier<List<Waiver>> waivers, List<Duration> leadTimes) {
    public WaiverNotices {
      leadTimes = leadTimes.stream().sorted().toList();
    }
  }

  /**
   * @param controls the current status of every control; null: no drift notifications
   * @param waiverNotices the waivers and lead times; null: no waiver-expiry notifications
   */
  public NotificationPlanner(JdbcClient jdbc, TransactionTemplate tx, List<Receiver> receivers,
      Map<String, List<String>> teams, FindingRepository findings, Exporter exporter,
      Supplier<List<ControlState>> controls, WaiverNotices waiverNotices, Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.receivers = List.copyOf(receivers);
    this.teams = Map.copyOf(teams);
    this.findings = findings;
    this.exporter = exporter;
    this.controls = controls;
    this.waiverNotices = waiverNotices;
    this.clock = clock;
  }

  /** Plans every notification due since the last call (on any replica); returns how many deliveries were added. */
  public int plan() {
    List<ControlState> states = controls == null ? null : controls.get();
    List<Waiver> waivers = waiverNotices == null ? List.of() : waiverNotices.waivers().get();
    Integer planned = tx.execute(status -> {
      Map<String, Long> cursors = new HashMap<>();
      jdbc.sql("SELECT name, position FROM notification_cursor ORDER BY name FOR UPDATE")
          .query((rs, n) -> cursors.put(rs.getString(1), rs.getLong(2))).list();
      List<NotificationEvent> events = new ArrayList<>();
      events.addAll(newFindings(cursors.getOrDefault("finding_event", 0L)));
      events.addAll(failedConnectors(cursors.getOrDefault("connector_run", 0L)));
      if (states != null) {
        events.addAll(drift(states));
      }
      events.addAll(expiringWaivers(waivers));
      Instant now = clock.instant();
      int added = 0;
      for (NotificationEvent e : events) {
        Map<String, Object> body = new LinkedHashMap<>(e.body());
        body.put("summary", e.summary());
        String payload = FactJson.MAPPER.writeValueAsString(body);
        for (Receiver r : receivers) {
          if (r.wants(e, teams)) {
            added += jdbc.sql("INSERT INTO notification_delivery (receiver, event_key, event_type, payload, created_at,"
                    + " status, attempts, next_attempt_at) SELECT :receiver, :key, :type, :payload, :now, 'PENDING', 0, :now"
                    + " FROM notification_cursor WHERE name = 'finding_event' AND NOT EXISTS (SELECT 1 FROM"
                    + " notification_delivery d WHERE d.receiver = :receiver AND d.event_key = :key)")
                .param("receiver", r.name()).param("key", e.key()).param("type", e.type()).param("payload", payload)
                .param("now", now.atOffset(ZoneOffset.UTC)).update();
          }
        }
      }
      return added;
    });
    return planned == null ? 0 : planned;
  }

  private List<NotificationEvent> newFindings(long after) {
    Long end = jdbc.sql("SELECT MAX(id) FROM finding_event").query(Long.class).optional().orElse(null);
    if (end == null || end <= after) {
      return List.of();
    }
    record Opened(long eventId, String findingId, String type) {}
    List<Opened> opened = jdbc.sql("SELECT e.id, e.finding_id, e.type FROM finding_event e JOIN finding f ON f.id = e.finding_id"
            + " WHERE e.id > :after AND e.id <= :end AND e.type IN ('OPENED', 'REOPENED') AND f.severity IN (:severities)"
            + " ORDER BY e.id")
        .param("after", after).param("end", end).param("severities", NOTIFIED_SEVERITIES)
        .query((rs, n) -> new Opened(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
    jdbc.sql("UPDATE notification_cursor SET position = :end WHERE name = 'finding_event'").param("end", end).update();
    List<NotificationEvent> out = new ArrayList<>();
    for (Opened o : opened) {
      Optional<Finding> finding = findings.get(o.findingId());
      if (finding.isEmpty() || !finding.get().isOpen()) {
        continue; // resolved again before anyone was told: nothing to act on
      }
      Finding f = finding.get();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", NotificationEvent.NEW_FINDING);
      body.put("occurredAt", clock.instant().toString());
      body.put("reopened", o.type().equals("REOPENED"));
      body.put("finding", ExportJson.of(exporter.exported(f)));
      String summary = (o.type().equals("REOPENED") ? "Reopened " : "New ") + f.severity().label() + " finding ["
          + String.join(", ", f.controls()) + "]: " + f.message();
      out.add(new NotificationEvent(NotificationEvent.NEW_FINDING, "finding.new:" + o.eventId(), f.severity(), f.owners(),
          f.controls(), f.source(), summary, body));
    }
    return out;
  }

  private List<NotificationEvent> failedConnectors(long after) {
    Long end = jdbc.sql("SELECT MAX(id) FROM connector_run").query(Long.class).optional().orElse(null);
    if (end == null || end <= after) {
      return List.of();
    }
    List<Map<String, Object>> failed = jdbc.sql("SELECT id, connector_id, connector_type, error, finished_at FROM connector_run"
            + " WHERE id > :after AND id <= :end AND status = 'FAILED' ORDER BY id")
        .param("after", after).param("end", end).query().listOfRows();
    jdbc.sql("UPDATE notification_cursor SET position = :end WHERE name = 'connector_run'").param("end", end).update();
    List<NotificationEvent> out = new ArrayList<>();
    for (Map<String, Object> run : failed) {
      long id = ((Number) run.get("id")).longValue();
      String connector = (String) run.get("connector_id");
      // Only the first failure after a good run (or the first run): a source failing every hour is one notification.
      Optional<String> previous = jdbc.sql("SELECT status FROM connector_run WHERE connector_id = :c AND id < :id"
              + " ORDER BY id DESC FETCH FIRST 1 ROWS ONLY").param("c", connector).param("id", id)
          .query(String.class).optional();
      if (previous.isPresent() && previous.get().equals("FAILED")) {
        continue;
      }
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", connector);
      c.put("type", run.get("connector_type"));
      c.put("run", id);
      c.put("error", run.get("error"));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", NotificationEvent.CONNECTOR_FAILED);
      body.put("occurredAt", clock.instant().toString());
      body.put("connector", c);
      String summary = "Connector " + connector + " failed; its findings stay as they were and turn stale: " + run.get("error");
      out.add(new NotificationEvent(NotificationEvent.CONNECTOR_FAILED, "connector.failed:" + id, null, List.of(),
          List.of(), connector, summary, body));
    }
    return out;
  }

  private List<NotificationEvent> drift(List<ControlState> states) {
    Map<String, String> before = new HashMap<>();
    jdbc.sql("SELECT control_id, status FROM notification_control_state").query((rs, n) -> before.put(rs.getString(1),
        rs.getString(2))).list();
    List<NotificationEvent> out = new ArrayList<>();
    long at = clock.millis();
    for (ControlState s : states) {
      String was = before.get(s.control().id());
      if (ControlAssessment.Status.COMPLIANT.label().equals(was) && s.status() != ControlAssessment.Status.COMPLIANT) {
        Map<String, Object> control = new LinkedHashMap<>();
        control.put("id", s.control().id());
        control.put("title", s.control().title());
        control.put("from", was);
        control.put("to", s.status().label());
        control.put("openFindings", s.open().fresh() + s.open().stale());
        control.put("rules", s.rules());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", NotificationEvent.CONTROL_DRIFT);
        body.put("occurredAt", clock.instant().toString());
        body.put("control", control);
        String summary = "Control " + s.control().id() + " (" + s.control().title() + ") is no longer compliant: "
            + s.status().label();
        out.add(new NotificationEvent(NotificationEvent.CONTROL_DRIFT, "control.drift:" + s.control().id() + ":" + at,
            null, List.of(), List.of(s.control().id()), null, summary, body));
      }
    }
    jdbc.sql("DELETE FROM notification_control_state").update();
    for (ControlState s : states) {
      jdbc.sql("INSERT INTO notification_control_state (control_id, status) VALUES (:id, :status)")
          .param("id", s.control().id()).param("status", s.status().label()).update();
    }
    return out;
  }

  /**
   * Waivers in force whose expiry is within a lead time: one notice per waiver and lead time (the
   * shortest lead whose window has begun, so a service that was down does not send the 14-day and
   * the 1-day notice at once), remembered in {@code notification_waiver_notice} so the next poll
   * does not plan it again. The expiry is part of the key: a waiver whose expiry a file edit moved
   * is announced again.
   */
  private List<NotificationEvent> expiringWaivers(List<Waiver> waivers) {
    Instant now = clock.instant();
    List<NotificationEvent> out = new ArrayList<>();
    for (Waiver w : waivers) {
      if (!w.inForce(now)) {
        continue;
      }
      Optional<Duration> lead = waiverNotices.leadTimes().stream()
          .filter(l -> !w.expiresAt().minus(l).isAfter(now)).findFirst();
      if (lead.isEmpty()) {
        continue;
      }
      String key = NotificationEvent.WAIVER_EXPIRING + ":" + w.id() + ":" + lead.get() + ":" + w.expiresAt();
      int fresh = jdbc.sql("INSERT INTO notification_waiver_notice (notice_key, planned_at) SELECT :key, :now"
              + " FROM notification_cursor WHERE name = 'finding_event' AND NOT EXISTS (SELECT 1 FROM"
              + " notification_waiver_notice n WHERE n.notice_key = :key)")
          .param("key", key).param("now", now.atOffset(ZoneOffset.UTC)).update();
      if (fresh == 1) {
        out.add(waiverExpiring(w, lead.get(), key, now));
      }
    }
    return out;
  }

  private NotificationEvent waiverExpiring(Waiver w, Duration lead, String key, Instant now) {
    // the open findings the waiver holds back now (as of the last evaluation or waiver action): they route the notice
    List<String> ids = jdbc.sql("SELECT w.finding_id FROM finding_workflow w JOIN finding f ON f.id = w.finding_id"
            + " WHERE w.waiver_id = :id AND f.status = 'OPEN' ORDER BY w.finding_id")
        .param("id", w.id()).query(String.class).list();
    List<Finding> covered = ids.stream().limit(MAX_NOTICE_FINDINGS).map(findings::get).flatMap(Optional::stream).toList();
    Severity severity = covered.stream().map(Finding::severity).max(Comparator.naturalOrder()).orElse(null);
    TreeSet<String> owners = new TreeSet<>();
    TreeSet<String> controlIds = new TreeSet<>();
    TreeSet<String> sources = new TreeSet<>();
    covered.forEach(f -> {
      owners.addAll(f.owners());
      controlIds.addAll(f.controls());
      if (f.source() != null) {
        sources.add(f.source());
      }
    });
    long daysLeft = Duration.between(now, w.expiresAt()).toDays();
    Map<String, Object> waiver = new LinkedHashMap<>();
    waiver.put("id", w.id());
    waiver.put("scope", w.scope().name().toLowerCase(java.util.Locale.ROOT));
    waiver.put("findingId", w.findingId());
    waiver.put("ruleId", w.ruleId());
    waiver.put("subjectPattern", w.subjectPattern());
    waiver.put("justification", w.justification());
    waiver.put("requestedBy", w.requestedBy());
    waiver.put("approvedBy", w.approvedBy());
    waiver.put("expiresAt", w.expiresAt().toString());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", NotificationEvent.WAIVER_EXPIRING);
    body.put("occurredAt", now.toString());
    body.put("leadTime", lead.toString());
    body.put("daysLeft", daysLeft);
    body.put("waiver", waiver);
    body.put("coveredFindings", ids.size());
    body.put("findings", exporter.exported(covered).stream().map(ExportJson::of).toList());
    String what = w.scope() == Waiver.Scope.FINDING ? "finding " + w.findingId()
        : "rule " + w.ruleId() + " on " + w.subjectPattern();
    long hoursLeft = Duration.between(now, w.expiresAt()).toHours();
    String left = daysLeft >= 1 ? daysLeft + " day" + (daysLeft == 1 ? "" : "s")
        : hoursLeft + " hour" + (hoursLeft == 1 ? "" : "s");
    String summary = "Waiver " + w.id() + " (" + what + ") expires at " + w.expiresAt() + ", in " + left + ": " + ids.size() + " open finding" + (ids.size() == 1 ? "" : "s")
        + " count again then unless it is renewed. Accepted because: " + w.justification();
    return new NotificationEvent(NotificationEvent.WAIVER_EXPIRING, key, severity, List.copyOf(owners),
        List.copyOf(controlIds), sources.size() == 1 ? sources.first() : null, summary, body);
  }
}
