package io.sluice.upserts;

import io.sluice.core.PipelineLock;
import io.sluice.core.SluiceException;
import io.sluice.core.spec.PipelineSpec;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.config.LockConfiguration;
import org.apache.hudi.common.lock.LockProvider;
import org.apache.hudi.common.util.ReflectionUtils;
import org.apache.hudi.storage.StorageConfiguration;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;

/**
 * The pipeline lock taken through one of Hudi's lock providers instead of Sluice's lock file: when the
 * spec's {@code hudi:} section names {@code hoodie.write.lock.provider} (ZooKeeper, Hive metastore or file
 * system), every process of the pipeline, on any host, serialises on that lock. Its key is the pipeline's,
 * distinct from any table's lock, so Hudi's own multi-writer locking never waits on it.
 */
public final class HudiPipelineLock implements io.sluice.core.PipelineLease {
  /** Hudi's key naming the lock provider class. */
  public static final String PROVIDER = "hoodie.write.lock.provider";

  private final LockProvider<?> provider;

  private HudiPipelineLock(LockProvider<?> provider) {
    this.provider = provider;
  }

  /** True when the spec asks for a Hudi lock provider. */
  public static boolean configured(PipelineSpec spec) {
    return spec.hudi().containsKey(PROVIDER);
  }

  /** Takes the pipeline's lock, waiting up to {@code wait}; {@link PipelineLock.HeldException} when another run keeps it. */
  public static HudiPipelineLock acquire(PipelineSpec spec, Configuration conf, Duration wait) {
    Properties p = new Properties();
    p.putAll(spec.hudi());
    String lockDir = spec.workDir() + "/locks";
    // Keys that scope the lock to the pipeline, whatever the table-level settings say.
    p.setProperty("hoodie.base.path", lockDir);
    p.setProperty(LockConfiguration.FILESYSTEM_LOCK_PATH_PROP_KEY, lockDir + "/" + spec.name() + ".hudi");
    p.setProperty(LockConfiguration.ZK_LOCK_KEY_PROP_KEY, "sluice-pipeline-" + spec.name());
    p.putIfAbsent(LockConfiguration.ZK_BASE_PATH_PROP_KEY, "/sluice/locks");
    p.setProperty(LockConfiguration.HIVE_TABLE_NAME_PROP_KEY, spec.name() + "_pipeline_lock");
    p.putIfAbsent(LockConfiguration.HIVE_DATABASE_NAME_PROP_KEY, spec.hive().database());
    String cls = p.getProperty(PROVIDER);
    LockProvider<?> provider;
    try {
      provider = (LockProvider<?>) ReflectionUtils.loadClass(cls,
          new Class<?>[] {LockConfiguration.class, StorageConfiguration.class},
          // HoodieLockConfig fills the provider's defaults (expiry, retries, timeouts), as Hudi's LockManager does.
          new LockConfiguration(org.apache.hudi.config.HoodieLockConfig.newBuilder().fromProperties(p).build().getProps()),
          new HadoopStorageConfiguration(conf));
    } catch (RuntimeException e) {
      throw new SluiceException("cannot create the lock provider " + cls + " (hudi." + PROVIDER + "): "
          + rootMessage(e));
    }
    boolean locked;
    try {
      // Some providers (the file-system one) try once whatever the timeout; poll until the deadline.
      long deadline = System.nanoTime() + wait.toNanos();
      locked = provider.tryLock(Math.max(Math.min(wait.toMillis(), 1000), 1), TimeUnit.MILLISECONDS);
      while (!locked && System.nanoTime() < deadline) {
        Thread.sleep(Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
        locked = provider.tryLock(Math.max(Math.min((deadline - System.nanoTime()) / 1_000_000, 1000), 1),
            TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      provider.close();
      throw new SluiceException("interrupted while waiting for the pipeline lock of " + spec.name());
    } catch (RuntimeException e) {
      provider.close();
      throw new SluiceException("cannot take the pipeline lock of " + spec.name() + " from " + cls + ": "
          + rootMessage(e));
    }
    if (!locked) {
      String owner = provider.getCurrentOwnerLockInfo();
      provider.close();
      throw new PipelineLock.HeldException("pipeline " + spec.name() + " is locked by another run"
          + (owner == null || owner.isBlank() ? "" : " (" + owner + ")") + " through " + cls
          + "; retry later, or pass --wait DURATION to wait for it");
    }
    return new HudiPipelineLock(provider);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  @Override
  public void close() {
    try {
      provider.unlock();
    } finally {
      provider.close();
    }
  }
}
