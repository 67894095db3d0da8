package io.aimsmonitor.cli;

/**
 * Exit codes of the command line, documented in the README for CI pipelines. When several apply,
 * {@code scan} returns the first of: {@link #INVALID} (nothing evaluated), {@link #SOURCE_FAILED}
 * (the evidence is incomplete, so the findings are too), {@link #FINDINGS}, {@link #OK}.
 */
public final class ExitCodes {
  /** Nothing at or above the threshold; everything collected. */
  public static final int OK = 0;
  /** {@code scan}: a finding at or above {@code --fail-on}; {@code test-rules}: a failing case. */
  public static final int FINDINGS = 1;
  /** Invalid configuration or rule pack. */
  public static final int INVALID = 2;
  /** {@code scan}: a source could not be collected, so the result is incomplete. */
  public static final int SOURCE_FAILED = 3;

  private ExitCodes() {}
}
