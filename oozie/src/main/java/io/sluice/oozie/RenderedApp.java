package io.sluice.oozie;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link OozieApp#renderTo} wrote.
 *
 * @param dir the application directory
 * @param stages the batch workflow's stages, in order
 * @param libJars jars copied to {@code lib/}
 */
public record RenderedApp(Path dir, List<String> stages, int libJars) {}
