package io.aimsmonitor.schedule;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.rules.RuleBook;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Records a rule reload in the audit log, whoever started it (an admin through the API, or the
 * poller that noticed changed files): each pack's version (content hash) before and after, and the
 * packs whose new files were rejected. One place, so both paths write the same entry.
 */
public final class RuleReloadAudit {

  /** The actor of reloads started by the rules-folder poller. */
  public static final String FILE_WATCH = AuditLog.FILE_WATCH;
  public static final String ACTION = "rules.reload";

  private RuleReloadAudit() {}

  /** Runs {@code reload} and records it as done by {@code actor}. */
  public static RuleBook.ReloadReport reload(RuleBook book, Supplier<RuleBook.ReloadReport> reload, AuditLog audit,
      String actor) {
    Map<String, String> before = versions(book);
    RuleBook.ReloadReport report = reload.get();
    Map<String, Object> after = new LinkedHashMap<>(versions(book));
    after.put("rejected", report.rejected().stream().map(RuleBook.Rejection::pack).toList());
    audit.recordAs(actor, ACTION, "rule packs", before, after);
    return report;
  }

  /** Pack name to content hash. */
  private static Map<String, String> versions(RuleBook book) {
    Map<String, String> versions = new TreeMap<>();
    book.allPacks().forEach(p -> versions.put(p.name(), p.contentHash()));
    return versions;
  }
}
