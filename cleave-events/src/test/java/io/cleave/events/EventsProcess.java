package io.cleave.events;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.events.app.Ledger;

/**
 * The test app as one process ({@code single}) for {@link SingleProcessCrashTest}:
 * {@code EventsProcess <data dir> <prefix>} posts entries to four accounts from four threads,
 * printing {@code ack} after each commit returned, and runs until it is killed.
 */
final class EventsProcess {

    private EventsProcess() {
    }

    public static void main(String[] args) throws Exception {
        App app = Cleave.app().configText(SingleProcessCrashTest.config(java.nio.file.Path.of(args[0]))).start();
        Ledger ledger = app.component(Ledger.class);
        System.out.println("ready");
        Thread[] threads = new Thread[4];
        for (int p = 0; p < threads.length; p++) {
            String account = args[1] + "-" + p;
            threads[p] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    ledger.post(account, i);
                    System.out.println("ack");
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
