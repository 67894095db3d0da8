package io.aimsmonitor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * TEST-ONLY: writes every Quartz fire of a forked service to the file named by the system property
 * {@value #FILE_PROPERTY}, one line when the job starts and one when it ends, with the trigger and
 * its scheduled fire time. The cluster test adds it with {@code --spring.main.sources}, so it is
 * no component and no other context sees it. Each line is its own {@code write} call, so lines
 * written before a SIGKILL survive it.
 */
public final class FireRecorder implements JobListener {

  public static final String FILE_PROPERTY = "aims.test.fire-log";

  /** One line of the file. */
  public record Fire(boolean begin, long pid, String job, String trigger, long scheduledAt, long firedAt,
      boolean recovering, String fireId, long at) {

    static Fire parse(String line) {
      String[] f = line.split(" ");
      return new Fire(f[0].equals("begin"), Long.parseLong(f[1]), f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]),
          Boolean.parseBoolean(f[6]), f[7], Long.parseLong(f[8]));
    }

    /** The trigger's scheduled fire: what must run exactly once across the cluster. */
    public String scheduledFire() {
      return trigger + "@" + scheduledAt;
    }
  }

  private final Path file;
  private final long pid = ProcessHandle.current().pid();

  public FireRecorder(Scheduler scheduler) throws SchedulerException {
    this.file = Path.of(System.getProperty(FILE_PROPERTY));
    scheduler.getListenerManager().addJobListener(this);
  }

  /** Every fire recorded in these files (missing files count as none). */
  public static List<Fire> read(Path... files) throws IOException {
    List<Fire> out = new ArrayList<>();
    for (Path f : files) {
      if (Files.exists(f)) {
        Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Fire::parse).forEach(out::add);
      }
    }
    return out;
  }

  @Override
  public String getName() {
    return "test-fire-recorder";
  }

  @Override
  public void jobToBeExecuted(JobExecutionContext context) {
    write("begin", context);
  }

  @Override
  public void jobExecutionVetoed(JobExecutionContext context) {}

  @Override
  public void jobWasExecuted(JobExecutionContext context, JobExecutionException jobException) {
    write("end", context);
  }

  private synchronized void write(String event, JobExecutionContext c) {
    String line = String.join(" ", event, Long.toString(pid), c.getJobDetail().getKey().toString(),
        c.getTrigger().getKey().toString(), Long.toString(c.getScheduledFireTime() == null ? 0 : c.getScheduledFireTime().getTime()),
        Long.toString(c.getFireTime().getTime()), Boolean.toString(c.isRecovering()), c.getFireInstanceId(),
        Long.toString(System.currentTimeMillis())) + "\n";
    try {
      Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
