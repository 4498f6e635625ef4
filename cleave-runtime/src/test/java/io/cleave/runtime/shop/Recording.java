package io.cleave.runtime.shop;

import io.cleave.Lifecycle;

/** Records start and stop in the journal. */
abstract class Recording implements Lifecycle {
    private final String name;
    final Journal journal;

    Recording(String name, Journal journal) {
        this.name = name;
        this.journal = journal;
        journal.record("construct " + name);
    }

    @Override
    public void start() throws Exception {
        journal.record("start " + name);
    }

    @Override
    public void stop() {
        journal.record("stop " + name);
    }
}
