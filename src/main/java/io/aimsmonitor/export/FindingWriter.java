package io.aimsmonitor.export;

import java.io.IOException;

/**
 * Writes findings in one format to a stream, one at a time, so that an export of any size never
 * holds more than a chunk of findings (JUnit, whose counts come first, is the exception and keeps
 * its test cases). {@link #close} completes the document; it does not close the stream.
 */
public interface FindingWriter extends AutoCloseable {

  void write(ExportedFinding finding) throws IOException;

  @Override
  void close() throws IOException;
}
