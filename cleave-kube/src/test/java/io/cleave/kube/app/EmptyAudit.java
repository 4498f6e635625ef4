package io.cleave.kube.app;

/** No entries. */
public final class EmptyAudit implements Audit {

    /** Creates it. */
    public EmptyAudit() {
    }

    @Override
    public int entries() {
        return 0;
    }
}
