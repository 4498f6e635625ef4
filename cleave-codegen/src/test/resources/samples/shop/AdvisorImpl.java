package shop;

import java.util.List;

public final class AdvisorImpl implements Advisor {

    public AdvisorImpl() {
    }

    @Override
    public List<String> advise(String customer, int limit) {
        return List.of();
    }

    @Override
    public void remember(String customer) {
    }
}
