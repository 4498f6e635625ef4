package shop;

import io.cleave.Component;
import io.cleave.Fallback;
import java.util.List;

@Component
public interface Advisor {

    @Fallback("nothingToAdvise")
    List<String> advise(String customer, int limit);

    @Fallback("quietly")
    void remember(String customer);

    static List<String> nothingToAdvise(String customer, int limit) {
        return List.of("fallback for " + customer + " up to " + limit);
    }

    static void quietly(String customer) {
    }
}
