package io.sluice.core.spec;

/** Hudi index types the Java write client supports (it has no bucket or record-level index). */
public enum IndexType {
  BLOOM,
  SIMPLE,
  GLOBAL_BLOOM,
  GLOBAL_SIMPLE
}
