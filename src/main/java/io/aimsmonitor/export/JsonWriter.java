package io.aimsmonitor.export;

import java.io.IOException;
import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;

/** A JSON array of findings ({@link ExportJson} form), written as it goes. */
final class JsonWriter implements FindingWriter {

  private final JsonGenerator json;

  JsonWriter(OutputStream out) {
    this.json = ExportJson.MAPPER.createGenerator(out);
    json.writeStartArray();
  }

  @Override
  public void write(ExportedFinding finding) throws IOException {
    json.writePOJO(ExportJson.of(finding));
  }

  @Override
  public void close() throws IOException {
    json.writeEndArray();
    json.writeRaw('\n');
    json.flush();
  }
}
