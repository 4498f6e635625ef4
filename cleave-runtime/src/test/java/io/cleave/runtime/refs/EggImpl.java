package io.cleave.runtime.refs;

import io.cleave.Ref;

public final class EggImpl implements Egg {
    private final Ref<Chicken> chicken;

    public EggImpl(Ref<Chicken> chicken, EggConfig config) {
        this.chicken = chicken;
        if (config.eager()) {
            chicken.get();
        }
    }

    @Override
    public String label() {
        return "egg #1";
    }

    @Override
    public String mother() {
        return chicken.get().name();
    }
}
