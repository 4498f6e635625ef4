package io.cleave.cli.app;

/** Echoes. */
public final class PlainEcho implements Echo {

    /** Creates the component. */
    public PlainEcho() {
    }

    @Override
    public String echo(String text) {
        return text;
    }
}
