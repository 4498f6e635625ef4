package io.cleave.observe.app;

/** Does what {@link Back} says. */
public final class BackImpl implements Back {

    private final System.Logger log;

    /** @param log its logger */
    public BackImpl(System.Logger log) {
        this.log = log;
    }

    @Override
    public String echo(String text) {
        log.log(System.Logger.Level.INFO, "echo " + text);
        return text;
    }

    @Override
    public int length(String text) {
        return text.length();
    }

    @Override
    public void refuse(String reason) throws RefusedException {
        throw new RefusedException(reason);
    }

    @Override
    public void fail(String reason) {
        throw new IllegalStateException(reason);
    }

    @Override
    public boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
