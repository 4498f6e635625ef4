package io.cleave.observe.app;

/** Does what {@link Back} says. */
public final class BackImpl implements Back {

    /** Creates it. */
    public BackImpl() {
    }

    @Override
    public String echo(String text) {
        return text;
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
