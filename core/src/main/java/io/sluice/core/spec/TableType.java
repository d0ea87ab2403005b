package io.sluice.core.spec;

/** Hudi table type: copy-on-write rewrites base files, merge-on-read appends logs and compacts later. */
public enum TableType {
  COW("COPY_ON_WRITE"),
  MOR("MERGE_ON_READ");

  private final String hudiName;

  TableType(String hudiName) {
    this.hudiName = hudiName;
  }

  /** The name Hudi's {@code hoodie.table.type} uses. */
  public String hudiName() {
    return hudiName;
  }
}
