package io.aimsmonitor.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scan} of the bundled demo, as a user runs it, in a fresh JVM from an empty folder: the
 * wall time, and the start-up overhead, which is the wall time less the work. The work runs from
 * the start of the first collection (the first "collected N facts in X ms" line, less X) to the
 * "evaluation:" line; each line is stamped when this harness reads it, so the log format does not
 * matter. Appends {@code variant,wall_s,work_s} to {@code bench/results/startup.csv}.
 *
 * <p>The warm-up round also fills the compiled rule pack cache ({@code aims.rules.cache-dir}, the
 * user's, as a user's second scan finds it), so the measured rounds load the packs compiled; run
 * with {@code AIMS_RULES_CACHE_DIR=} (empty) to measure compiling them at every start.
 *
 * <p>Arguments: {@code variant rounds command...}, e.g. {@code "java -jar" 5 java -jar target/aims-monitor.jar}
 * or {@code launcher 5 bin/aims-monitor} (what {@code bench/run harness} runs, after {@code bin/aims-monitor train}).
 */
public final class StartupBench {

  private static final Pattern COLLECTED = Pattern.compile("collected \\d+ facts in (\\d+) ms");

  public static void main(String[] args) throws Exception {
    String variant = args[0];
    int rounds = Integer.parseInt(args[1]);
    List<String> command = new ArrayList<>(List.of(args).subList(2, args.length));
    command.add("scan");
    command.add("--verbose");
    Path out = Path.of(System.getProperty("aims.bench.out", "bench/results/startup.csv"));
    Files.createDirectories(out.getParent());
    if (!Files.exists(out)) {
      Files.writeString(out, "variant,wall_s,work_s\n");
    }
    List<double[]> runs = new ArrayList<>();
    for (int round = -1; round < rounds; round++) {
      double[] r = once(command);
      System.err.printf(Locale.ROOT, "%s round %d: wall %.2f s, work %.2f s%n", variant, round, r[0], r[1]);
      if (round >= 0) {
        runs.add(r);
      }
    }
    runs.sort((a, b) -> Double.compare(a[0], b[0]));
    double[] median = runs.get(runs.size() / 2);
    String row = String.format(Locale.ROOT, "%s,%.2f,%.2f", variant, median[0], median[1]);
    Files.writeString(out, row + "\n", StandardOpenOption.APPEND);
    System.out.println(row);
  }

  private static double[] once(List<String> command) throws Exception {
    Path dir = Files.createTempDirectory("aims-scan");
    long started = System.nanoTime();
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    double workStart = -1;
    double workEnd = -1;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        double at = (System.nanoTime() - started) / 1e9;
        Matcher m = COLLECTED.matcher(line);
        if (workStart < 0 && m.find()) {
          workStart = at - Long.parseLong(m.group(1)) / 1000.0;
        }
        if (line.contains("evaluation: ")) {
          workEnd = at;
        }
      }
    }
    p.waitFor();
    double wall = (System.nanoTime() - started) / 1e9;
    if (workStart < 0 || workEnd < 0) {
      throw new IllegalStateException("scan printed no collection or evaluation line: " + command);
    }
    return new double[] {wall, workEnd - workStart};
  }
}
