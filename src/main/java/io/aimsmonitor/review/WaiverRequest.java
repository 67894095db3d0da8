package io.aimsmonitor.review;

import java.time.Instant;

/**
 * What a reviewer asks for: a waiver of one finding ({@code findingId}), or of one rule for the
 * subjects matching a pattern ({@code ruleId} and {@code subjectPattern}), until {@code expiresAt}.
 */
public record WaiverRequest(String findingId, String ruleId, String subjectPattern, String justification,
    Instant expiresAt) {

  public static WaiverRequest forFinding(String findingId, String justification, Instant expiresAt) {
    return new WaiverRequest(findingId, null, null, justification, expiresAt);
  }

  public static WaiverRequest forRule(String ruleId, String subjectPattern, String justification, Instant expiresAt) {
    return new WaiverRequest(null, ruleId, subjectPattern, justification, expiresAt);
  }
}
