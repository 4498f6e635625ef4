package shop;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import java.util.List;
import java.util.Map;

@Component
public interface Catalog extends Named {

    @Idempotent
    Order find(@Key long id) throws NotFoundException;

    void put(Order order);

    List<Category> categories();

    int count(String prefix, @Key String shard, Map<String, List<Line>> lines);

    static Catalog none() {
        return null;
    }
}
