package io.sluice.core;

/** A held pipeline lock, whatever takes it (Sluice's lock file or a Hudi lock provider); closing releases it. */
public interface PipelineLease extends AutoCloseable {
  @Override
  void close();
}
