package io.sluice.oozie;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Hands values to later workflow nodes ({@code ${wf:actionData('ingest')['pending']}}) from inside an Oozie
 * java action with {@code <capture-output/>}. Outside Oozie it does nothing.
 */
public final class ActionOutput {
  /** System property Oozie's launcher sets to the file a java action's output properties go to. */
  public static final String OUTPUT_PROPERTIES = "oozie.action.output.properties";

  private ActionOutput() {}

  /** Writes {@code values} as the action's output properties (Oozie caps them at 2 KB by default). */
  public static void write(Map<String, ?> values) {
    String file = System.getProperty(OUTPUT_PROPERTIES);
    if (file == null) {
      return;
    }
    Properties p = new Properties();
    values.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    try (OutputStream out = Files.newOutputStream(Path.of(file))) {
      p.store(out, "sluice action output");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write Oozie action output " + file, e);
    }
  }
}
