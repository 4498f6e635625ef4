package shop;

import io.cleave.Component;
import java.io.IOException;
import java.util.Optional;

@Component(name = "carts")
public interface Cart {

    void add(String user, Line line) throws NotFoundException, IOException;

    Optional<Order> checkout(String user);
}
