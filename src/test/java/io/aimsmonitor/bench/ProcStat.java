package io.aimsmonitor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One line of Linux's {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat}: the name of
 * the process or thread and the CPU it has used (user and system time, fields 14 and 15, in clock
 * ticks). The benches read it for CPU that the JVM's own beans do not give per thread name or for
 * another process (PostgreSQL's backends). WHY one parser: the name may hold spaces and
 * parentheses, so the fields are counted from the last {@code ')'}.
 */
record ProcStat(String name, long cpuTicks) {

  /** Clock ticks per second ({@code USER_HZ}), 100 on Linux. */
  static final long TICKS_PER_SECOND = 100;

  static ProcStat parse(String line) {
    int close = line.lastIndexOf(')');
    String[] fields = line.substring(close + 2).split(" ");
    return new ProcStat(line.substring(line.indexOf('(') + 1, close),
        Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
  }

  static ProcStat read(Path statFile) throws IOException {
    return parse(Files.readString(statFile));
  }

  double cpuSeconds() {
    return (double) cpuTicks / TICKS_PER_SECOND;
  }
}
