package io.aimsmonitor.integrity;

import java.util.List;

/**
 * One hash-chained table: the columns whose values each entry's hash covers, in the order they are
 * serialised. {@code id} is among them, so moving content between rows breaks the chain too.
 */
public enum Chain {
  FINDING_EVENT("finding_event", List.of("id", "finding_id", "at", "type", "actor", "detail")),
  WAIVER_CHANGE("waiver_change", List.of("id", "waiver_id", "at", "change_type", "state")),
  AUDIT_EVENT("audit_event", List.of("id", "at", "actor", "action", "target", "before_state", "after_state",
      "client_address"));

  private final String table;
  private final List<String> columns;

  Chain(String table, List<String> columns) {
    this.table = table;
    this.columns = columns;
  }

  /** The table, also the chain's name in {@code hash_chain}. */
  public String table() {
    return table;
  }

  public List<String> columns() {
    return columns;
  }
}
