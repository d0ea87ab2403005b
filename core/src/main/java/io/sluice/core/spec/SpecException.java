package io.sluice.core.spec;

import io.sluice.core.SluiceException;

/**
 * A pipeline spec that cannot be used: names the file, the path inside the YAML, the line when
 * known, what is wrong and a hint on how to fix it.
 */
public final class SpecException extends SluiceException {
  private final String file;
  private final String yamlPath;
  private final int line;
  private final String problem;
  private final String hint;

  public SpecException(String file, String yamlPath, int line, String problem, String hint) {
    super(format(file, yamlPath, line, problem, hint));
    this.file = file;
    this.yamlPath = yamlPath;
    this.line = line;
    this.problem = problem;
    this.hint = hint;
  }

  private static String format(String file, String yamlPath, int line, String problem, String hint) {
    StringBuilder sb = new StringBuilder();
    sb.append(file == null ? "<spec>" : file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    if (yamlPath != null && !yamlPath.isEmpty()) {
      sb.append(" at '").append(yamlPath).append('\'');
    }
    sb.append(": ").append(problem);
    if (hint != null && !hint.isEmpty()) {
      sb.append("\n  hint: ").append(hint);
    }
    return sb.toString();
  }

  public String file() {
    return file;
  }

  /** Dotted path inside the YAML document, e.g. {@code table.record-key}. */
  public String yamlPath() {
    return yamlPath;
  }

  /** 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  public String problem() {
    return problem;
  }

  public String hint() {
    return hint;
  }
}
