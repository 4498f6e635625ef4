package io.cleave.runtime.refs;

public final class ChickenImpl implements Chicken {
    private final Egg egg;

    public ChickenImpl(Egg egg) {
        this.egg = egg;
    }

    @Override
    public String name() {
        return "Henrietta";
    }

    @Override
    public String firstEgg() {
        return egg.label();
    }
}
