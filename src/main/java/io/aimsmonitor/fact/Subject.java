package io.aimsmonitor.fact;

/**
 * What a finding is about. {@code key} is stable across runs and unique across sources (it starts
 * with the connector id), so that a finding's identity, hash(rule id, subject key), survives
 * re-collection; {@code displayName} is for people; {@code url} links to the object in its source.
 */
public record Subject(String type, String key, String displayName, String url) {}
