package io.cleave.observe.app;

/** Calls its {@link Back} as asked. */
public final class FrontImpl implements Front {

    private final Back back;

    /** @param back the component it calls */
    public FrontImpl(Back back) {
        this.back = back;
    }

    @Override
    public int run(int answered, int refused, int failed) {
        int answers = 0;
        for (int i = 0; i < answered; i++) {
            back.echo("call " + i);
            answers++;
        }
        for (int i = 0; i < refused; i++) {
            try {
                back.refuse("no " + i);
            } catch (RefusedException expected) {
                // counted by the metrics as declared
            }
        }
        for (int i = 0; i < failed; i++) {
            try {
                back.fail("boom " + i);
            } catch (RuntimeException expected) {
                // counted by the metrics as a failure
            }
        }
        return answers;
    }
}
