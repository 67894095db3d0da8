package io.aimsmonitor.connector.registry;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Conventions shared by the model registry connectors, so that a value written the same way in
 * Kubeflow custom properties and SageMaker customer metadata means the same in facts.
 */
public final class Conventions {

  private Conventions() {}

  /**
   * The fact model's approval status ({@code APPROVED}, {@code PENDING}, {@code REJECTED}) for a
   * registry's own spelling: SageMaker's {@code Approved} / {@code PendingManualApproval} /
   * {@code Rejected}, or free text such as {@code approved} in a custom property. Anything else is
   * kept upper-cased so that rules and evidence still show it; blank gives null.
   */
  public static String approvalStatus(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String s = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    if (s.equals("APPROVED") || s.equals("APPROVE") || s.equals("TRUE")) {
      return "APPROVED";
    }
    if (s.equals("REJECTED") || s.equals("REJECT") || s.equals("DENIED")) {
      return "REJECTED";
    }
    if (s.startsWith("PENDING") || s.equals("PENDINGMANUALAPPROVAL") || s.equals("IN_REVIEW") || s.equals("FALSE")) {
      return "PENDING";
    }
    return s;
  }

  /** A comma-separated list ({@code "alice, risk-team"}) as trimmed, non-empty items; empty for null. */
  public static List<String> commaList(String raw) {
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The first non-blank value, or null. */
  public static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** Puts {@code value} under {@code key} unless it is null or blank: an absent field adds no tag. */
  public static void putIfPresent(Map<String, String> tags, String key, String value) {
    if (value != null && !value.isBlank()) {
      tags.put(key, value);
    }
  }

  /** The connector option that lets the registering account count as owner; off unless an instance sets it. */
  public static final String REGISTERED_BY_IS_OWNER = "registeredByIsOwner";

  /** The tag that says where {@code owners} came from when it is not explicit ownership. */
  public static final String OWNERS_FROM_TAG = "aims.ownersFrom";

  /**
   * The owners of a version: the explicit ones (owner tags, owner fields) when there are any.
   * Without them, the account that registered the version counts only when the instance opted in
   * with {@code registeredByIsOwner: true}, and the tag {@value #OWNERS_FROM_TAG} then records that
   * the owner is the registering account. Who acted is not who is accountable: by default a version
   * registered by a CI service account with no owner tag has no owner.
   */
  public static List<String> owners(List<String> explicit, String registeredBy, boolean registeredByIsOwner,
      Map<String, String> tags) {
    List<String> named = explicit.stream().map(String::strip).filter(o -> !o.isEmpty()).distinct().toList();
    if (!named.isEmpty() || !registeredByIsOwner || registeredBy == null || registeredBy.isBlank()) {
      return named;
    }
    tags.put(OWNERS_FROM_TAG, "registeredBy");
    return List.of(registeredBy.strip());
  }

  /**
   * True when an approval's only recorded author is the account that registered the version:
   * that account acted twice; nobody else approved.
   */
  public static boolean selfApproved(String approvedBy, String registeredBy) {
    return approvedBy != null && registeredBy != null && !approvedBy.isBlank()
        && approvedBy.strip().equalsIgnoreCase(registeredBy.strip());
  }

  /** The approval status given to an approval the registering account gave itself; not in the default approvedStatuses. */
  public static final String SELF_APPROVED = "SELF_APPROVED";
}
